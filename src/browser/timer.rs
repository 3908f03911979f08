//! One pending timeout that is cancelled when dropped, and an async sleep.
//!
//! Every timer callback the SDK runs sets the `performance.mark` [`TIMER_MARK`] first, so
//! wake-ups can be counted from outside (`performance.getEntriesByName("authkit:timer")`).

use crate::browser::page;

/// The `performance.mark` set each time an SDK timer fires (a [`Timer`] callback or the end of
/// a [`sleep_ms`]).
///
/// ```
/// assert_eq!(authkit_yew::browser::timer::TIMER_MARK, "authkit:timer");
/// ```
pub const TIMER_MARK: &str = "authkit:timer";

/// A scheduled callback; dropping it cancels it.
///
/// ```no_run
/// use authkit_yew::browser::timer::Timer;
/// let t = Timer::after_ms(1_000, || { /* refresh */ });
/// drop(t); // cancelled
/// ```
#[must_use = "the timer is cancelled when dropped"]
#[derive(Debug)]
pub struct Timer {
    _inner: gloo_timers::callback::Timeout,
}

impl Timer {
    /// Runs `f` once after `ms` milliseconds (clamped to what `setTimeout` accepts).
    ///
    /// ```no_run
    /// let t = authkit_yew::browser::timer::Timer::after_ms(500, || {});
    /// ```
    pub fn after_ms(ms: u32, f: impl FnOnce() + 'static) -> Self {
        let ms = ms.min(i32::MAX as u32);
        Self {
            _inner: gloo_timers::callback::Timeout::new(ms, move || {
                page::mark(TIMER_MARK);
                f();
            }),
        }
    }
}

/// Waits `ms` milliseconds.
///
/// ```no_run
/// # async fn f() {
/// authkit_yew::browser::timer::sleep_ms(30).await;
/// # }
/// ```
pub async fn sleep_ms(ms: u32) {
    let (done, wake) = futures::channel::oneshot::channel::<()>();
    let _timer = Timer::after_ms(ms, move || {
        let _ = done.send(());
    });
    let _ = wake.await;
}

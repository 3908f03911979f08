//! DOM event listeners that remove themselves when dropped.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::browser::page;

/// An event listener; dropping it removes it.
///
/// ```no_run
/// use authkit_yew::browser::events::Listener;
/// let online = Listener::on_window("online", || { /* retry now */ });
/// drop(online); // removed
/// ```
#[must_use = "the listener is removed when dropped"]
pub struct Listener {
    target: web_sys::EventTarget,
    event: &'static str,
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("event", &self.event)
            .finish()
    }
}

impl Listener {
    /// Listens to `event` on `target`; `None` when the browser refuses.
    ///
    /// ```no_run
    /// use authkit_yew::browser::events::Listener;
    /// let target: web_sys::EventTarget = web_sys::window().unwrap().into();
    /// let l = Listener::new(target, "resize", || {});
    /// ```
    pub fn new(
        target: web_sys::EventTarget,
        event: &'static str,
        mut f: impl FnMut() + 'static,
    ) -> Option<Self> {
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| f());
        target
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())
            .ok()?;
        Some(Self {
            target,
            event,
            closure,
        })
    }

    /// Listens to `event` on `window` (`focus`, `online`, …).
    ///
    /// ```no_run
    /// let l = authkit_yew::browser::events::Listener::on_window("focus", || {});
    /// ```
    pub fn on_window(event: &'static str, f: impl FnMut() + 'static) -> Option<Self> {
        Self::new(page::window_target()?, event, f)
    }

    /// Listens to `event` on `document` (`visibilitychange`).
    ///
    /// ```no_run
    /// let l = authkit_yew::browser::events::Listener::on_document("visibilitychange", || {});
    /// ```
    pub fn on_document(event: &'static str, f: impl FnMut() + 'static) -> Option<Self> {
        Self::new(page::document_target()?, event, f)
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
    }
}

//! When to refresh: one timer at expiry − buffer (or at the next retry after a failure),
//! re-armed by `visibilitychange`, `focus` and `online`; no polling.

use std::rc::Rc;

use super::flight::{self, RefreshRequest};
use super::phase::{Wake, WakeAction, MIN_REFRESH_INTERVAL_MS};
use super::Inner;
use crate::browser::page;
use crate::browser::timer::Timer;

/// (Re)arms the one timer at the machine's next wake-up, or stops it when none is due.
pub(super) fn arm_timer(inner: &Rc<Inner>) {
    let delay = inner.core.borrow().machine.next_wake_ms(page::now_ms());
    arm(inner, delay);
}

/// Arms the timer in `delay` ms (`None` stops it).
fn arm(inner: &Rc<Inner>, delay: Option<u32>) {
    let timer = delay.map(|ms| {
        let weak = Rc::downgrade(inner);
        Timer::after_ms(ms, move || {
            if let Some(inner) = weak.upgrade() {
                wasm_bindgen_futures::spawn_local(auto_refresh(inner, Wake::Timer));
            }
        })
    });
    let old = std::mem::replace(&mut inner.core.borrow_mut().timer, timer);
    drop(old);
}

/// A wake-up: `visibilitychange` (visible) and `focus` refresh when due and otherwise re-arm
/// the timer without moving a scheduled retry (a `Retry-After` stays honoured); `online`
/// retries a failed refresh at once. Hidden tabs wait for `visibilitychange`.
pub(super) fn wake(inner: &Rc<Inner>, wake: Wake) {
    if page::is_hidden() {
        return;
    }
    let action = inner.core.borrow().machine.on_wake(wake, page::now_ms());
    match action {
        WakeAction::Refresh => wasm_bindgen_futures::spawn_local(auto_refresh(inner.clone(), wake)),
        WakeAction::Rearm => arm_timer(inner),
        WakeAction::Nothing => {}
    }
}

/// Refreshes on the app's behalf, unless the tab is hidden or the app's gate
/// (`on_before_auto_refresh`) says no: then it asks again at the next due time (the timer is
/// re-armed; while the token is due that is once a second).
async fn auto_refresh(inner: Rc<Inner>, wake: Wake) {
    let (action, initial) = {
        let core = inner.core.borrow();
        (
            core.machine.on_wake(wake, page::now_ms()),
            core.machine.session().is_none(),
        )
    };
    if action != WakeAction::Refresh || page::is_hidden() {
        // Hidden tabs wait: `visibilitychange` re-arms.
        return;
    }
    let gate = inner.options.borrow().on_before_auto_refresh.clone();
    if let Some(gate) = gate {
        if !gate.call(()) {
            // Asked again at the next due time, at most once a second.
            let delay = inner.core.borrow().machine.next_wake_ms(page::now_ms());
            arm(&inner, delay.map(|ms| ms.max(MIN_REFRESH_INTERVAL_MS)));
            return;
        }
    }
    let _ = flight::refresh(
        inner,
        RefreshRequest {
            organization_id: None,
            initial,
        },
    )
    .await;
}

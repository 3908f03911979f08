//! Tab messages: adopting a sibling's fresh session instead of refreshing, a sibling's
//! sign-out, and refreshes that wait for a sibling's hand-off (woken by it, never polling).

use std::rc::Rc;

use futures::channel::oneshot;

use super::phase::{Event, HandOffFit, Via};
use super::{Inner, Session};
use crate::browser::channel::{Message, SessionHandOff};
use crate::browser::{page, timer::Timer};
use crate::protocol::claims::decode_claims;

/// How long a tab waits for a sibling's hand-off it expects (after the sibling stored the
/// rotated token, before its message arrives).
const HAND_OFF_WAIT_MS: u32 = 300;

/// Why a wait for a sibling's hand-off was woken (a dropped sender means: stop waiting, the
/// client signed out or was disposed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    /// A sibling's session was adopted: look whether it is the one awaited.
    Adopted,
    /// The wait's time is up.
    Deadline,
}

/// The refreshes waiting for a sibling's hand-off, by wait id. Dropping it ends every wait.
#[derive(Default)]
pub(super) struct Waits {
    next: u64,
    waiting: Vec<(u64, oneshot::Sender<Wake>)>,
}

/// A message from a sibling tab.
pub(super) fn on_message(inner: &Rc<Inner>, message: Message) {
    match message {
        Message::Session(hand_off) => adopt(inner, *hand_off),
        Message::SignedOut { session_id } => {
            inner.apply(Event::SignedOutElsewhere { session_id });
        }
    }
}

/// Takes a sibling's session when it fits this tab (see [`Machine::hand_off_fit`]).
///
/// [`Machine::hand_off_fit`]: super::phase::Machine::hand_off_fit
fn adopt(inner: &Rc<Inner>, hand_off: SessionHandOff) {
    let Ok(claims) = decode_claims(&hand_off.access_token) else {
        return;
    };
    let expires_at_ms = hand_off.expires_at_ms as f64;
    let remembered = inner.remembered_organization();
    let fit = inner.core.borrow().machine.hand_off_fit(
        &claims.sid,
        hand_off.organization_id.as_deref(),
        expires_at_ms,
        remembered.as_deref(),
    );
    match fit {
        HandOffFit::Adopt => {}
        HandOffFit::OtherOrganization => {
            // The sibling rotated the shared token for its organization; this tab refreshes for
            // its own with the newest token when due, without waiting for a hand-off.
            let stored = inner.stored_refresh_token();
            inner.core.borrow_mut().seen_refresh_token = stored;
            return;
        }
        HandOffFit::Ignore => return,
    }
    let session = Session {
        user: hand_off.user,
        access_token: hand_off.access_token,
        claims,
        organization_id: hand_off.organization_id,
        impersonator: hand_off.impersonator,
        authentication_method: hand_off.authentication_method,
        expires_at_ms,
        refresh_token: None,
    };
    // The token behind the adopted session (as far as this window sees storage yet).
    let stored = inner.stored_refresh_token();
    inner.core.borrow_mut().seen_refresh_token = stored;
    inner.apply(Event::SessionReceived {
        session: Box::new(session),
        via: Via::HandOff,
    });
}

/// True when this tab now holds a fresh session other than the one it had (`before`): a
/// sibling's hand-off arrived.
pub(super) fn adopted(inner: &Inner, before: Option<&String>) -> bool {
    let core = inner.core.borrow();
    core.machine.session().is_some_and(|s| {
        Some(&s.access_token) != before && core.machine.is_fresh(s, page::now_ms())
    })
}

/// Waits up to [`HAND_OFF_WAIT_MS`] for the hand-off of a sibling that rotated the token; true
/// once adopted. No polling: the wait sleeps until an adoption wakes it or its one deadline
/// timer fires (cancelled, so never firing, when the hand-off comes first). A sign-out (here or
/// in a sibling) or dispose ends it at once (false; the epoch tells the caller).
pub(super) async fn wait(inner: &Rc<Inner>, before: Option<&String>, epoch: u64) -> bool {
    if adopted(inner, before) {
        return true;
    }
    let id = {
        let mut core = inner.core.borrow_mut();
        core.hand_off_waits.next += 1;
        core.hand_off_waits.next
    };
    // Removes this wait's waker from `Core` however the wait ends (even if dropped).
    struct Registered<'a>(&'a Inner, u64);
    impl Drop for Registered<'_> {
        fn drop(&mut self) {
            end(self.0, self.1, None);
        }
    }
    let _registered = Registered(inner, id);
    let weak = Rc::downgrade(inner);
    let _deadline = Timer::after_ms(HAND_OFF_WAIT_MS, move || {
        if let Some(inner) = weak.upgrade() {
            end(&inner, id, Some(Wake::Deadline));
        }
    });
    loop {
        let (wake, woken) = oneshot::channel();
        {
            let mut core = inner.core.borrow_mut();
            if core.machine.epoch() != epoch {
                return false;
            }
            core.hand_off_waits.waiting.push((id, wake));
        }
        let why = woken.await.ok();
        if adopted(inner, before) {
            return true;
        }
        if why != Some(Wake::Adopted) {
            return false;
        }
        // A session was adopted but not a fresh one: keep waiting until the deadline.
    }
}

/// Wakes the wait `id` with `why` (`None`: just removes it, waking it with `None`).
fn end(inner: &Inner, id: u64, why: Option<Wake>) {
    let ended: Vec<_> = {
        let mut core = inner.core.borrow_mut();
        let waits = &mut core.hand_off_waits.waiting;
        let (ended, kept) = std::mem::take(waits)
            .into_iter()
            .partition(|(i, _)| *i == id);
        *waits = kept;
        ended
    };
    for (_, wake) in ended {
        if let Some(why) = why {
            let _ = wake.send(why);
        }
    }
}

/// Wakes every wait for a sibling's hand-off: a session was adopted.
pub(super) fn wake_all(inner: &Inner) {
    let waiting = std::mem::take(&mut inner.core.borrow_mut().hand_off_waits.waiting);
    for (_, wake) in waiting {
        let _ = wake.send(Wake::Adopted);
    }
}

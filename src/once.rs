//! A value sent once and awaited by any number of tasks, on one thread. It replaces
//! `futures`' oneshot channel and `Shared` future, which cost several KB of wasm for what the
//! SDK needs: "wait until this is done, and get its result".

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

struct State<T> {
    value: Option<T>,
    closed: bool,
    wakers: Vec<Waker>,
}

/// The sending half: [`Sender::send`] delivers the value; dropping it unsent wakes the
/// receivers with `None`.
pub(crate) struct Sender<T>(Rc<RefCell<State<T>>>);

/// The receiving half: awaiting it gives a clone of the value, or `None` when the sender was
/// dropped unsent. Clone it to wait from several tasks.
pub(crate) struct Receiver<T>(Rc<RefCell<State<T>>>);

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        Receiver(self.0.clone())
    }
}

/// A new sender/receiver pair.
pub(crate) fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let state = Rc::new(RefCell::new(State {
        value: None,
        closed: false,
        wakers: Vec::new(),
    }));
    (Sender(state.clone()), Receiver(state))
}

impl<T> Sender<T> {
    /// Delivers `value` to every receiver, present and future.
    pub(crate) fn send(self, value: T) {
        self.0.borrow_mut().value = Some(value);
        // Dropping `self` wakes the receivers.
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let wakers = {
            let mut state = self.0.borrow_mut();
            state.closed = true;
            std::mem::take(&mut state.wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }
}

impl<T: Clone> Future for Receiver<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut state = self.0.borrow_mut();
        if let Some(value) = &state.value {
            return Poll::Ready(Some(value.clone()));
        }
        if state.closed {
            return Poll::Ready(None);
        }
        if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            state.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn poll<T: Clone>(rx: &mut Receiver<T>, waker: &Waker) -> Poll<Option<T>> {
        Pin::new(rx).poll(&mut Context::from_waker(waker))
    }

    #[test]
    fn every_receiver_gets_the_value_and_is_woken_once() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let (tx, mut a) = channel::<u32>();
        let mut b = a.clone();
        assert_eq!(poll(&mut a, &waker), Poll::Pending);
        assert_eq!(poll(&mut a, &waker), Poll::Pending);
        assert_eq!(poll(&mut b, &waker), Poll::Pending);
        tx.send(7);
        // One registration per distinct waker, however often it polled.
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert_eq!(poll(&mut a, &waker), Poll::Ready(Some(7)));
        assert_eq!(poll(&mut b, &waker), Poll::Ready(Some(7)));
        // A receiver cloned after the send still sees the value.
        assert_eq!(poll(&mut b.clone(), &waker), Poll::Ready(Some(7)));
    }

    #[test]
    fn a_dropped_sender_gives_none_and_wakes() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let (tx, mut rx) = channel::<String>();
        assert_eq!(poll(&mut rx, &waker), Poll::Pending);
        drop(tx);
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert_eq!(poll(&mut rx, &waker), Poll::Ready(None));
    }
}

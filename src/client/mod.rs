//! [`AuthKitClient`]: the state machine tying the protocol to the browser (the authkit-js
//! `Client` analogue, with its known faults fixed).
//!
//! Apps normally use it through [`AuthKitProvider`](crate::AuthKitProvider) and
//! [`use_auth`](crate::use_auth); it can also be driven directly (e.g. outside Yew).
//!
//! Life cycle: [`AuthKitClient::new`] → [`AuthKitClient::start`] (handles the redirect callback
//! or restores the session) → actions → [`AuthKitClient::dispose`].

mod actions;
mod init;
mod refresh;
mod state;

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use std::future::Future;
use std::pin::Pin;

use futures::channel::oneshot;
use futures::future::Shared;

use crate::browser::channel::{Channel, Message, SessionHandOff};
use crate::browser::events::Listener;
use crate::browser::timer::Timer;
use crate::browser::{page, storage};
use crate::error::AuthKitError;
use crate::options::{AuthKitOptions, RefreshParams};
use crate::protocol::session::{self, Session};

pub use state::AuthState;

/// Resolved, immutable settings of one client.
#[derive(Debug, Clone)]
struct Config {
    client_id: String,
    base_url: String,
    redirect_uri: String,
    redirect_path: String,
    dev_mode: bool,
    buffer_secs: u32,
    lock_name: String,
}

/// The result of the refresh in flight, for every task waiting on it.
type RefreshResult = Shared<oneshot::Receiver<Result<(), AuthKitError>>>;

/// Mutable state of a client (borrowed briefly, never across an `.await`).
struct Core {
    started: bool,
    loaded: bool,
    disposed: bool,
    /// Why the client cannot act (iframe, bad options); returned by every action.
    blocked: Option<AuthKitError>,
    session: Option<Session>,
    reconnecting: bool,
    /// A deliberate sign-out happened (here or in another tab) since the last session.
    signed_out: bool,
    error: Option<AuthKitError>,
    public: Rc<AuthState>,
    /// Bumped by sign-out, remote sign-out and dispose: results of requests started before are
    /// discarded.
    epoch: u64,
    /// Consecutive transient failures (drives the backoff).
    failures: u32,
    retry_after_ms: Option<u64>,
    timer: Option<Timer>,
    listeners: Vec<Listener>,
    channel: Option<Channel>,
    inflight: Option<(u64, Option<String>, RefreshResult)>,
    next_refresh_id: u64,
    waiters: Vec<oneshot::Sender<()>>,
    /// Refreshes waiting for a sibling's hand-off, by wait id: `adopt` wakes them, so they
    /// need no polling (see `refresh::await_hand_off`).
    hand_off_waiters: Vec<(u64, oneshot::Sender<refresh::HandOffWake>)>,
    next_hand_off_wait: u64,
    signed_in_marked: bool,
    /// Dev mode: the refresh token behind this tab's session as this tab last saw it (received
    /// it, or read it when adopting a sibling's session). A different stored token means a
    /// sibling rotated it, whatever moment this tab's refresh started at.
    seen_refresh_token: Option<String>,
    /// The session id (`sid`) that was signed out (here or in a sibling tab): a hand-off of that
    /// session, from a sibling whose refresh crossed the sign-out, must not bring it back.
    ended_session: Option<String>,
}

type Subscriber = Rc<dyn Fn(Rc<AuthState>)>;

struct Inner {
    options: RefCell<AuthKitOptions>,
    config: Config,
    core: RefCell<Core>,
    subscribers: RefCell<Vec<(u64, Subscriber)>>,
    next_subscriber: Cell<u64>,
    lock_timeout_ms: Cell<u32>,
}

/// The AuthKit client of one app mount. Cheap to clone (a shared handle); equality is identity.
///
/// ```no_run
/// use authkit_yew::client::AuthKitClient;
/// use authkit_yew::AuthKitOptions;
/// let client = AuthKitClient::new(AuthKitOptions::new("client_123"));
/// client.start();
/// let _sub = client.subscribe(|state| {
///     let _ = state.is_authenticated;
/// });
/// wasm_bindgen_futures::spawn_local(async move {
///     match client.get_access_token().await {
///         Ok(_token) => { /* call your API */ }
///         Err(e) => { let _ = e; /* e.g. LoginRequired */ }
///     }
/// });
/// ```
#[derive(Clone)]
pub struct AuthKitClient {
    inner: Rc<Inner>,
}

impl PartialEq for AuthKitClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl fmt::Debug for AuthKitClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthKitClient")
            .field("client_id", &self.inner.config.client_id)
            .field("dev_mode", &self.inner.config.dev_mode)
            .finish_non_exhaustive()
    }
}

/// Keeps a [`AuthKitClient::subscribe`] callback registered; dropping it unsubscribes.
///
/// ```no_run
/// # fn f(client: authkit_yew::AuthKitClient) {
/// let _keep = client.subscribe(|_| {});
/// # }
/// ```
#[must_use = "the subscription ends when dropped"]
pub struct Subscription {
    inner: Weak<Inner>,
    id: u64,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .finish()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(inner) = self.inner.upgrade() {
            inner
                .subscribers
                .borrow_mut()
                .retain(|(id, _)| *id != self.id);
        }
    }
}

impl AuthKitClient {
    /// Creates a client for `options`. Nothing happens until [`start`](Self::start) (or any
    /// action, which starts it).
    ///
    /// ```no_run
    /// let client = authkit_yew::AuthKitClient::new(authkit_yew::AuthKitOptions::new("client_123"));
    /// ```
    pub fn new(options: AuthKitOptions) -> Self {
        let here = page::location();
        let redirect_uri = options
            .redirect_uri
            .clone()
            .unwrap_or_else(|| here.origin.clone());
        let config = Config {
            client_id: options.client_id.clone(),
            base_url: options.base_url(),
            redirect_path: crate::protocol::callback::redirect_path(&redirect_uri),
            redirect_uri,
            dev_mode: options.dev_mode.resolve(&here.hostname),
            buffer_secs: options.refresh_buffer_secs,
            lock_name: format!("WORKOS_REFRESH_SESSION:{}", options.client_id),
        };
        let core = Core {
            started: false,
            loaded: false,
            disposed: false,
            blocked: None,
            session: None,
            reconnecting: false,
            signed_out: false,
            error: None,
            public: Rc::new(AuthState::loading()),
            epoch: 0,
            failures: 0,
            retry_after_ms: None,
            timer: None,
            listeners: Vec::new(),
            channel: None,
            inflight: None,
            next_refresh_id: 0,
            waiters: Vec::new(),
            hand_off_waiters: Vec::new(),
            next_hand_off_wait: 0,
            signed_in_marked: false,
            seen_refresh_token: None,
            ended_session: None,
        };
        Self {
            inner: Rc::new(Inner {
                options: RefCell::new(options),
                config,
                core: RefCell::new(core),
                subscribers: RefCell::new(Vec::new()),
                next_subscriber: Cell::new(0),
                lock_timeout_ms: Cell::new(crate::browser::lock::ACQUIRE_TIMEOUT_MS),
            }),
        }
    }

    /// The current state.
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// let loading = client.state().is_loading;
    /// # }
    /// ```
    pub fn state(&self) -> Rc<AuthState> {
        self.inner.core.borrow().public.clone()
    }

    /// True when the refresh token is kept by the SDK (dev mode) rather than in a cookie.
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// let dev = client.is_dev_mode();
    /// # }
    /// ```
    pub fn is_dev_mode(&self) -> bool {
        self.inner.config.dev_mode
    }

    /// Calls `f` with every new state (only when a field changed) until the returned
    /// [`Subscription`] is dropped.
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// let subscription = client.subscribe(|state| { let _ = state.user.clone(); });
    /// drop(subscription); // unsubscribes
    /// # }
    /// ```
    pub fn subscribe(&self, f: impl Fn(Rc<AuthState>) + 'static) -> Subscription {
        let id = self.inner.next_subscriber.get();
        self.inner.next_subscriber.set(id + 1);
        self.inner.subscribers.borrow_mut().push((id, Rc::new(f)));
        Subscription {
            inner: Rc::downgrade(&self.inner),
            id,
        }
    }

    /// Replaces the callbacks (`on_refresh`, …) with those of `options`; the connection settings
    /// of a running client never change.
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// client.update_callbacks(&authkit_yew::AuthKitOptions::new("client_123").on_refresh(|_| {}));
    /// # }
    /// ```
    pub fn update_callbacks(&self, options: &AuthKitOptions) {
        let mut current = self.inner.options.borrow_mut();
        current.on_redirect_callback = options.on_redirect_callback.clone();
        current.on_refresh = options.on_refresh.clone();
        current.on_refresh_failure = options.on_refresh_failure.clone();
        current.on_before_auto_refresh = options.on_before_auto_refresh.clone();
    }

    /// Starts initialization in the background (idempotent).
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// client.start();
    /// # }
    /// ```
    pub fn start(&self) {
        let inner = self.inner.clone();
        wasm_bindgen_futures::spawn_local(async move { init::initialize(inner).await });
    }

    /// Initializes and waits until the first state is settled (idempotent: later calls wait for
    /// the first one).
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// client.initialize().await;
    /// assert!(!client.state().is_loading);
    /// # Ok(()) }
    /// ```
    pub async fn initialize(&self) {
        init::initialize(self.inner.clone()).await;
        let _ = self.inner.ready().await;
    }

    /// Waits until initialization is over. Errors when the client was disposed first.
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// client.ready().await?;
    /// # Ok(()) }
    /// ```
    pub async fn ready(&self) -> Result<(), AuthKitError> {
        self.inner.ready().await
    }

    /// Stops timers and listeners, closes the tab channel and drops subscribers. Requests in
    /// flight complete but their results are discarded. Called when the provider unmounts.
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// client.dispose();
    /// assert!(client.is_disposed());
    /// # }
    /// ```
    pub fn dispose(&self) {
        let (timer, listeners, channel, waiters, hand_off_waiters) = {
            let mut core = self.inner.core.borrow_mut();
            core.disposed = true;
            core.epoch += 1;
            (
                core.timer.take(),
                std::mem::take(&mut core.listeners),
                core.channel.take(),
                std::mem::take(&mut core.waiters),
                std::mem::take(&mut core.hand_off_waiters),
            )
        };
        // Dropped unsent: the waiting refreshes stop waiting (and see the new epoch).
        drop((timer, listeners, channel, waiters, hand_off_waiters));
        self.inner.subscribers.borrow_mut().clear();
    }

    /// Shows `error` in the state (`auth.error`), for failures of work started on the app's
    /// behalf outside an action's `Result` (the `use_user` guard's sign-in).
    pub(crate) fn report_error(&self, error: AuthKitError) {
        self.inner.core.borrow_mut().error = Some(error);
        self.inner.publish();
    }

    /// Sets how long a refresh waits for the cross-tab lock before failing with
    /// [`AuthKitError::RefreshTimeout`] (default 10 s, as authkit-js).
    ///
    /// ```no_run
    /// # let client = authkit_yew::client::AuthKitClient::new(authkit_yew::AuthKitOptions::new("c"));
    /// client.set_lock_timeout_ms(5_000);
    /// ```
    pub fn set_lock_timeout_ms(&self, ms: u32) {
        self.inner.lock_timeout_ms.set(ms);
    }

    /// True once [`dispose`](Self::dispose) ran.
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// if client.is_disposed() { /* the provider unmounted */ }
    /// # }
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.inner.core.borrow().disposed
    }

    /// Local expiry of the current access token (epoch ms), when signed in.
    ///
    /// ```no_run
    /// # fn f(client: authkit_yew::AuthKitClient) {
    /// let seconds_left = client.access_token_expires_at_ms().map(|t| (t - js_sys::Date::now()) / 1000.0);
    /// # }
    /// ```
    pub fn access_token_expires_at_ms(&self) -> Option<f64> {
        self.inner
            .core
            .borrow()
            .session
            .as_ref()
            .map(|s| s.expires_at_ms)
    }
}

impl Inner {
    fn ready(self: &Rc<Self>) -> Pin<Box<dyn Future<Output = Result<(), AuthKitError>>>> {
        let this = self.clone();
        Box::pin(async move {
            let rx = {
                let mut core = this.core.borrow_mut();
                if core.disposed {
                    return Err(disposed());
                }
                if core.loaded {
                    return Ok(());
                }
                let (tx, rx) = oneshot::channel();
                core.waiters.push(tx);
                let started = core.started;
                drop(core);
                if !started {
                    let inner = this.clone();
                    wasm_bindgen_futures::spawn_local(async move { init::initialize(inner).await });
                }
                rx
            };
            rx.await.map_err(|_| disposed())?;
            if this.core.borrow().disposed {
                return Err(disposed());
            }
            Ok(())
        })
    }

    /// Waits for initialization, then fails when the client cannot act.
    async fn usable(self: &Rc<Self>) -> Result<(), AuthKitError> {
        self.ready().await?;
        match &self.core.borrow().blocked {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Recomputes the visible state and notifies subscribers when it changed.
    fn publish(&self) {
        let changed = {
            let mut core = self.core.borrow_mut();
            if core.disposed {
                return;
            }
            let mut next = AuthState::build(
                core.session.as_ref(),
                !core.loaded,
                core.reconnecting,
                core.error.clone(),
            );
            next.is_signed_out = core.signed_out && core.session.is_none();
            if *core.public == next {
                None
            } else {
                core.public = Rc::new(next);
                if core.loaded && !core.signed_in_marked && core.public.user.is_some() {
                    core.signed_in_marked = true;
                    page::mark("authkit:signed-in");
                }
                Some(core.public.clone())
            }
        };
        if let Some(state) = changed {
            let subscribers: Vec<Subscriber> = self
                .subscribers
                .borrow()
                .iter()
                .map(|(_, f)| f.clone())
                .collect();
            for f in subscribers {
                f(state.clone());
            }
        }
    }

    fn rt_key(&self) -> String {
        session::refresh_token_key(&self.config.client_id)
    }

    fn org_key(&self) -> String {
        session::organization_key(&self.config.client_id)
    }

    fn verifier_key(&self) -> String {
        session::code_verifier_key(&self.config.client_id)
    }

    fn stored_refresh_token(&self) -> Option<String> {
        if self.config.dev_mode {
            storage::get(storage::Area::Local, &self.rt_key())
        } else {
            None
        }
    }

    /// Stores the refresh token of a successful response (dev mode), unless the visitor signed
    /// out meanwhile (here or in another tab): then it must not come back.
    fn keep_rotated_refresh_token(&self, response: &crate::protocol::wire::AuthenticateResponse) {
        if !self.config.dev_mode || self.core.borrow().signed_out {
            return;
        }
        if let Some(rt) = response.refresh_token.as_deref().filter(|t| !t.is_empty()) {
            storage::set(storage::Area::Local, &self.rt_key(), rt);
            self.core.borrow_mut().seen_refresh_token = Some(rt.to_owned());
        }
    }

    /// Installs a fresh session (from an exchange, a refresh or a sibling tab).
    fn install_session(&self, session: Session) {
        let mut core = self.core.borrow_mut();
        core.session = Some(session);
        core.signed_out = false;
        core.failures = 0;
        core.retry_after_ms = None;
        core.reconnecting = false;
        core.error = None;
    }

    /// Records a sign-out, here or in a sibling tab: the ended session (`session_id`, else this
    /// tab's own) is never adopted again, requests started before are discarded (new epoch),
    /// and refreshes waiting for a sibling's hand-off stop. Called before
    /// [`Inner::clear_session`].
    fn end_session(&self, session_id: Option<String>) {
        let hand_off_waiters = {
            let mut core = self.core.borrow_mut();
            let ended = session_id.or_else(|| core.session.as_ref().map(|s| s.claims.sid.clone()));
            if let Some(sid) = ended.filter(|sid| !sid.is_empty()) {
                core.ended_session = Some(sid);
            }
            core.epoch += 1;
            core.signed_out = true;
            std::mem::take(&mut core.hand_off_waiters)
        };
        // Dropped unsent: the waiting refreshes stop (and see the new epoch).
        drop(hand_off_waiters);
    }

    /// Drops the session locally (no request), stops the timer and ends the waits for a
    /// sibling's hand-off.
    fn clear_session(&self, error: Option<AuthKitError>) {
        let (timer, hand_off_waiters) = {
            let mut core = self.core.borrow_mut();
            core.session = None;
            core.seen_refresh_token = None;
            core.failures = 0;
            core.retry_after_ms = None;
            core.reconnecting = false;
            core.error = error;
            (
                core.timer.take(),
                std::mem::take(&mut core.hand_off_waiters),
            )
        };
        drop((timer, hand_off_waiters));
    }

    /// Removes what this client keeps in storage (dev-mode refresh token, tab organization).
    fn clear_storage(&self) {
        if self.config.dev_mode {
            storage::remove(storage::Area::Local, &self.rt_key());
        }
        storage::remove(storage::Area::Session, &self.org_key());
    }

    fn broadcast(&self, message: &Message) {
        if let Some(channel) = &self.core.borrow().channel {
            channel.post(message);
        }
    }

    fn hand_off(&self, session: &Session) -> Message {
        Message::Session(Box::new(SessionHandOff::from(session)))
    }

    fn fire_on_refresh(&self, session: &Session) {
        let hook = self.options.borrow().on_refresh.clone();
        if let Some(hook) = hook {
            hook.call(RefreshParams {
                user: session.user.clone(),
                access_token: session.access_token.clone(),
                // Already the body's organization, else the `org_id` claim.
                organization_id: session.organization_id.clone(),
                impersonator: session.impersonator.clone(),
                authentication_method: session.authentication_method.clone(),
            });
        }
    }
}

pub(super) fn disposed() -> AuthKitError {
    AuthKitError::Config("the AuthKit client was disposed (its provider unmounted)".into())
}

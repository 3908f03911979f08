//! [`AuthKitClient`]: the state machine tying the protocol to the browser (the authkit-js
//! `Client` analogue, with its known faults fixed).
//!
//! Apps normally use it through [`AuthKitProvider`](crate::AuthKitProvider) and
//! [`use_auth`](crate::use_auth); it can also be driven directly (e.g. outside Yew).
//!
//! Life cycle: [`AuthKitClient::new`] → [`AuthKitClient::start`] (handles the redirect callback
//! or restores the session) → actions → [`AuthKitClient::dispose`].

mod actions;
mod early;
mod flight;
mod hand_off;
mod init;
mod phase;
mod request;
mod schedule;
mod state;

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use std::future::Future;
use std::pin::Pin;

use futures::channel::oneshot;

use crate::browser::channel::{Channel, Message, SessionHandOff};
use crate::browser::events::Listener;
use crate::browser::http::{self, HttpFailure};
use crate::browser::timer::Timer;
use crate::browser::{page, storage};
use crate::error::AuthKitError;
use crate::options::{AuthKitOptions, RefreshParams};
use crate::protocol::session::{self, Session};
use crate::protocol::wire::AuthenticateResponse;

use phase::{Effect, Event, Machine};

pub use state::{AuthState, SignedOutReason};

/// Resolved, immutable settings of one client.
#[derive(Debug, Clone)]
struct Config {
    client_id: String,
    base_url: String,
    /// `{base_url}/user_management/authenticate`.
    authenticate_url: String,
    redirect_uri: String,
    redirect_path: String,
    dev_mode: bool,
    lock_name: String,
    request_timeout_ms: u32,
}

/// The client's state ([`Machine`]) and the browser resources its effects drive. Borrowed
/// briefly, never across an `.await`.
struct Core {
    machine: Machine,
    /// The state last published.
    public: Rc<AuthState>,
    /// `authkit:signed-in` was marked (once per client).
    signed_in_marked: bool,
    timer: Option<Timer>,
    listeners: Vec<Listener>,
    channel: Option<Channel>,
    /// The refresh in flight, shared by every caller (see [`flight`]).
    flight: Option<flight::Flight>,
    /// Actions waiting for initialization.
    ready_waiters: Vec<oneshot::Sender<()>>,
    /// Refreshes waiting for a sibling's hand-off (see [`hand_off`]).
    hand_off_waits: hand_off::Waits,
    /// Dev mode: the refresh token behind this tab's session as this tab last saw it (received
    /// it, or read it when adopting a sibling's session). A different stored token means a
    /// sibling rotated it, whatever moment this tab's refresh started at.
    seen_refresh_token: Option<String>,
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
            authenticate_url: crate::protocol::urls::authenticate_url(&options.base_url()),
            redirect_path: crate::protocol::callback::redirect_path(&redirect_uri),
            redirect_uri,
            dev_mode: options.dev_mode.resolve(&here.hostname),
            lock_name: format!("WORKOS_REFRESH_SESSION:{}", options.client_id),
            request_timeout_ms: options.request_timeout_ms,
        };
        let core = Core {
            machine: Machine::new(options.refresh_buffer_secs, config.dev_mode),
            public: Rc::new(AuthState::loading()),
            signed_in_marked: false,
            timer: None,
            listeners: Vec::new(),
            channel: None,
            flight: None,
            ready_waiters: Vec::new(),
            hand_off_waits: hand_off::Waits::default(),
            seen_refresh_token: None,
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
        self.inner.apply(Event::Disposed);
    }

    /// Shows `error` in the state (`auth.error`), for failures of work started on the app's
    /// behalf outside an action's `Result` (the `use_user` guard's sign-in).
    pub(crate) fn report_error(&self, error: AuthKitError) {
        self.inner.apply(Event::ErrorReported(error));
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
        self.inner.core.borrow().machine.is_disposed()
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
            .machine
            .session()
            .map(|s| s.expires_at_ms)
    }
}

impl Inner {
    fn ready(self: &Rc<Self>) -> Pin<Box<dyn Future<Output = Result<(), AuthKitError>>>> {
        let this = self.clone();
        Box::pin(async move {
            let rx = {
                let mut core = this.core.borrow_mut();
                if core.machine.is_disposed() {
                    return Err(disposed());
                }
                if core.machine.is_loaded() {
                    return Ok(());
                }
                let (tx, rx) = oneshot::channel();
                core.ready_waiters.push(tx);
                let started = core.machine.is_started();
                drop(core);
                if !started {
                    let inner = this.clone();
                    wasm_bindgen_futures::spawn_local(async move { init::initialize(inner).await });
                }
                rx
            };
            rx.await.map_err(|_| disposed())?;
            if this.core.borrow().machine.is_disposed() {
                return Err(disposed());
            }
            Ok(())
        })
    }

    /// Waits for initialization, then fails when the client cannot act.
    async fn usable(self: &Rc<Self>) -> Result<(), AuthKitError> {
        self.ready().await?;
        match self.core.borrow().machine.blocked() {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    /// Applies `event` to the state machine and runs its effects, in order.
    fn apply(self: &Rc<Self>, event: Event) {
        let effects = self.core.borrow_mut().machine.apply(event);
        for effect in effects {
            self.run(effect);
        }
    }

    /// Runs one effect of [`Machine::apply`].
    fn run(self: &Rc<Self>, effect: Effect) {
        match effect {
            Effect::Publish => self.publish(),
            Effect::ArmTimer => schedule::arm_timer(self),
            Effect::CancelTimer => {
                let timer = self.core.borrow_mut().timer.take();
                drop(timer);
            }
            Effect::PostHandOff => {
                let hand_off = self
                    .core
                    .borrow()
                    .machine
                    .session()
                    .map(|s| Message::Session(Box::new(SessionHandOff::from(s))));
                if let Some(message) = hand_off {
                    self.broadcast(&message);
                }
            }
            Effect::PostSignOut(session_id) => {
                self.broadcast(&Message::SignedOut { session_id });
            }
            Effect::RememberOrganization(organization) => {
                storage::set(storage::Area::Session, &self.org_key(), &organization);
            }
            Effect::ForgetStoredSession => self.forget_stored_session(false),
            Effect::ClearStoredSession => self.forget_stored_session(true),
            Effect::FireOnRefresh => {
                let session = self.core.borrow().machine.session().cloned();
                if let Some(session) = session {
                    self.fire_on_refresh(&session);
                }
            }
            Effect::FireOnRefreshFailure(error) => {
                let hook = self.options.borrow().on_refresh_failure.clone();
                if let Some(hook) = hook {
                    hook.call(error);
                }
            }
            Effect::WakeHandOffWaits => hand_off::wake_all(self),
            Effect::EndHandOffWaits => {
                let waits = std::mem::take(&mut self.core.borrow_mut().hand_off_waits);
                // Dropped unsent: the waiting refreshes stop (and see the new epoch).
                drop(waits);
            }
            Effect::ReleaseWaiters => {
                let waiters = std::mem::take(&mut self.core.borrow_mut().ready_waiters);
                page::mark("authkit:ready");
                for waiter in waiters {
                    let _ = waiter.send(());
                }
            }
            Effect::Dispose => {
                let (timer, listeners, channel, waiters, waits) = {
                    let mut core = self.core.borrow_mut();
                    (
                        core.timer.take(),
                        std::mem::take(&mut core.listeners),
                        core.channel.take(),
                        std::mem::take(&mut core.ready_waiters),
                        std::mem::take(&mut core.hand_off_waits),
                    )
                };
                // Dropped unsent: waiting actions and refreshes stop (and see the new epoch).
                drop((timer, listeners, channel, waiters, waits));
                self.subscribers.borrow_mut().clear();
            }
        }
    }

    /// Recomputes the visible state and notifies subscribers when it changed.
    fn publish(&self) {
        let changed = {
            let mut core = self.core.borrow_mut();
            if core.machine.is_disposed() {
                return;
            }
            let next = core.machine.state();
            if *core.public == next {
                None
            } else {
                core.public = Rc::new(next);
                if !core.public.is_loading && !core.signed_in_marked && core.public.user.is_some() {
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

    /// The organization this tab chose explicitly (`switch_to_organization`), as remembered
    /// for the tab.
    fn remembered_organization(&self) -> Option<String> {
        storage::get(storage::Area::Session, &self.org_key())
    }

    fn stored_refresh_token(&self) -> Option<String> {
        if self.config.dev_mode {
            storage::get(storage::Area::Local, &self.rt_key())
        } else {
            None
        }
    }

    /// Removes the tab's organization and the dev-mode refresh token: any token with
    /// `whatever_token`, else only the one this tab last saw (compare, then delete: a token this
    /// tab never saw is a sibling's newer one).
    fn forget_stored_session(&self, whatever_token: bool) {
        let seen = self.core.borrow_mut().seen_refresh_token.take();
        let stored = self.stored_refresh_token();
        if stored.is_some() && (whatever_token || stored == seen) {
            storage::remove(storage::Area::Local, &self.rt_key());
        }
        storage::remove(storage::Area::Session, &self.org_key());
    }

    /// Stores the refresh token of a successful refresh (dev mode), unless the visitor signed
    /// out meanwhile (here or in another tab): then it must not come back.
    fn keep_rotated_refresh_token(&self, response: &AuthenticateResponse) {
        if !self.core.borrow().machine.signed_out_deliberately() {
            self.store_refresh_token(response);
        }
    }

    /// Stores the refresh token of a successful response (dev mode) as the one this tab last
    /// saw. A code exchange stores its token whatever happened before: a sign-out in another
    /// tab while this tab was loading cannot name the session this sign-in just created.
    fn store_refresh_token(&self, response: &AuthenticateResponse) {
        if !self.config.dev_mode {
            return;
        }
        if let Some(rt) = response.refresh_token.as_deref().filter(|t| !t.is_empty()) {
            storage::set(storage::Area::Local, &self.rt_key(), rt);
            self.core.borrow_mut().seen_refresh_token = Some(rt.to_owned());
        }
    }

    /// `POST /user_management/authenticate` with `body`, as this client sends it: credentials
    /// only in cookie mode, aborted after the request timeout.
    async fn authenticate<B: serde::Serialize>(
        &self,
        body: &B,
    ) -> Result<AuthenticateResponse, HttpFailure> {
        http::authenticate(
            &self.config.authenticate_url,
            body,
            !self.config.dev_mode,
            self.config.request_timeout_ms,
        )
        .await
    }

    fn broadcast(&self, message: &Message) {
        if let Some(channel) = &self.core.borrow().channel {
            channel.post(message);
        }
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

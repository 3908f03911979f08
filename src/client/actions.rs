//! The actions apps call: sign in/up, URLs, access tokens, organization switch, sign out.
//! Each waits for initialization first; none is a silent no-op.

use super::flight::{self, RefreshRequest};
use super::phase::{Event, Phase};
use super::AuthKitClient;
use crate::browser::{http, navigation, page, storage};
use crate::error::AuthKitError;
use crate::options::{SignInOptions, SignOutOptions};
use crate::protocol::pkce;
use crate::protocol::urls::{authorize_url, logout_url, Screen};

impl AuthKitClient {
    /// Starts sign-in: stores a fresh PKCE verifier for this tab and navigates to AuthKit.
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::client::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// use authkit_yew::SignInOptions;
    /// client.sign_in(SignInOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_in(&self, options: SignInOptions) -> Result<(), AuthKitError> {
        let url = self.authorize(Screen::SignIn, &options).await?;
        navigation::navigate(&url)
    }

    /// Like [`sign_in`](Self::sign_in), on the sign-up screen (`screen_hint=sign-up`).
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// client.sign_up(authkit_yew::SignInOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_up(&self, options: SignInOptions) -> Result<(), AuthKitError> {
        let url = self.authorize(Screen::SignUp, &options).await?;
        navigation::navigate(&url)
    }

    /// The sign-in URL without navigating (a verifier is still stored: only the last URL of a
    /// tab can complete).
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// let url = client.get_sign_in_url(authkit_yew::SignInOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_sign_in_url(&self, options: SignInOptions) -> Result<String, AuthKitError> {
        self.authorize(Screen::SignIn, &options).await
    }

    /// The sign-up URL without navigating.
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// let url = client.get_sign_up_url(authkit_yew::SignInOptions::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_sign_up_url(&self, options: SignInOptions) -> Result<String, AuthKitError> {
        self.authorize(Screen::SignUp, &options).await
    }

    async fn authorize(
        &self,
        screen: Screen,
        options: &SignInOptions,
    ) -> Result<String, AuthKitError> {
        self.inner.usable().await?;
        options.checked_state()?;
        let config = &self.inner.config;
        let verifier = pkce::verifier()?;
        let challenge = pkce::challenge(&verifier);
        storage::set_persistent(
            storage::Area::Session,
            &self.inner.verifier_key(),
            &verifier,
        )?;
        Ok(authorize_url(
            &config.base_url,
            &config.client_id,
            &config.redirect_uri,
            &challenge,
            screen,
            options,
        ))
    }

    /// A valid access token, refreshed first when it is within the refresh buffer of expiry.
    ///
    /// Errors: [`AuthKitError::LoginRequired`] with no session (or after the session ended);
    /// [`AuthKitError::RefreshTimeout`] when another tab held the lock too long and the current
    /// token has expired; a transient [`AuthKitError::Refresh`] or
    /// [`AuthKitError::Network`] when AuthKit is unreachable and the token has expired.
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::client::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// let token = client.get_access_token().await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_access_token(&self) -> Result<String, AuthKitError> {
        self.get_access_token_with(false).await
    }

    /// [`get_access_token`](Self::get_access_token); `force_refresh` refreshes even a fresh
    /// token (e.g. to see new permissions at once).
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// let fresh = client.get_access_token_with(true).await?;
    /// # Ok(()) }
    /// ```
    pub async fn get_access_token_with(&self, force_refresh: bool) -> Result<String, AuthKitError> {
        self.inner.usable().await?;
        let (has_session, needs_refresh) = {
            let machine = &self.inner.core.borrow().machine;
            let now = page::now_ms();
            let stale = machine.session().is_none_or(|s| !machine.is_fresh(s, now));
            (machine.has_session(), force_refresh || stale)
        };
        if !has_session {
            return Err(AuthKitError::LoginRequired);
        }
        if needs_refresh {
            match self.refresh_once().await {
                Ok(()) => {}
                Err(AuthKitError::RefreshTimeout) => {
                    if !force_refresh {
                        if let Some(token) = self.unexpired_token() {
                            return Ok(token);
                        }
                    }
                    match self.refresh_once().await {
                        Ok(()) => {}
                        Err(e) if e.is_transient() => return Err(e),
                        Err(_) => return Err(AuthKitError::LoginRequired),
                    }
                }
                Err(e) if e.is_transient() => {
                    if !force_refresh {
                        if let Some(token) = self.unexpired_token() {
                            return Ok(token);
                        }
                    }
                    return Err(e);
                }
                Err(_) => return Err(AuthKitError::LoginRequired),
            }
        }
        self.unexpired_token().ok_or(AuthKitError::LoginRequired)
    }

    async fn refresh_once(&self) -> Result<(), AuthKitError> {
        let initial = self.inner.core.borrow().machine.session().is_none();
        flight::refresh(
            self.inner.clone(),
            RefreshRequest {
                organization_id: None,
                initial,
            },
        )
        .await
    }

    fn unexpired_token(&self) -> Option<String> {
        let core = self.inner.core.borrow();
        core.machine
            .session()
            .filter(|s| !s.is_expired(page::now_ms()))
            .map(|s| s.access_token.clone())
    }

    /// Switches the session to `organization_id` (a refresh with that organization), remembered
    /// for this tab. If AuthKit refuses (e.g. the organization requires SSO or MFA), sign-in
    /// starts for that organization with `sign_in_options`. A switch requested while another
    /// refresh is in flight runs after it; it is never dropped.
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::client::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// client.switch_to_organization("org_123", Default::default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn switch_to_organization(
        &self,
        organization_id: &str,
        sign_in_options: SignInOptions,
    ) -> Result<(), AuthKitError> {
        self.inner.usable().await?;
        let mut fallback = sign_in_options;
        fallback.organization_id = Some(organization_id.to_owned());
        let has_session = self.inner.core.borrow().machine.has_session();
        if !has_session {
            return self.sign_in(fallback).await;
        }
        let result = flight::refresh(
            self.inner.clone(),
            RefreshRequest {
                organization_id: Some(organization_id.to_owned()),
                initial: false,
            },
        )
        .await;
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.is_transient() => Err(e),
            Err(AuthKitError::LoginRequired) => Err(AuthKitError::LoginRequired),
            Err(_) => self.sign_in(fallback).await,
        }
    }

    /// Signs out: ends the session at AuthKit (navigating to the logout URL, or with a
    /// background request when `navigate` is false), stops the timers, clears storage and state,
    /// and tells the other tabs. The local sign-out always happens; it is final.
    ///
    /// - With no session: [`AuthKitError::NoSession`], and nothing happens.
    /// - While reconnecting at page load (the session could not be restored yet, so its id is
    ///   unknown): the stored token is cleared and the retries stop, `Ok`. AuthKit was not
    ///   reachable, so the session there ends when it expires; in cookie mode its HttpOnly
    ///   cookie stays, so a reload once AuthKit answers again can restore it.
    /// - `navigate: false`: when the background request fails (offline, a timeout),
    ///   [`AuthKitError::SignOutIncomplete`] in cookie mode, where the session cookie survives
    ///   and a reload could restore the session; in dev mode the refresh token is gone from
    ///   the browser, so the failure is only logged.
    ///
    /// ```no_run
    /// # async fn f(client: authkit_yew::client::AuthKitClient) -> Result<(), authkit_yew::AuthKitError> {
    /// use authkit_yew::SignOutOptions;
    /// client.sign_out(SignOutOptions { return_to: None, navigate: false }).await?;
    /// # Ok(()) }
    /// ```
    pub async fn sign_out(&self, options: SignOutOptions) -> Result<(), AuthKitError> {
        self.inner.usable().await?;
        let session_id = {
            let core = self.inner.core.borrow();
            match core.machine.phase() {
                Phase::Reconnecting { last: None, .. } => None,
                _ => Some(
                    core.machine
                        .session()
                        .map(|s| s.session_id().to_owned())
                        .filter(|sid| !sid.is_empty())
                        .ok_or(AuthKitError::NoSession)?,
                ),
            }
        };
        let Some(session_id) = session_id else {
            self.inner.apply(Event::SignedOutHere {
                session_id: None,
                navigating: false,
            });
            return Ok(());
        };
        let url = logout_url(
            &self.inner.config.base_url,
            &session_id,
            options.return_to.as_deref(),
        );
        self.inner.apply(Event::SignedOutHere {
            session_id: Some(session_id),
            navigating: options.navigate,
        });
        if options.navigate {
            let result = navigation::navigate(&url);
            if result.is_err() {
                // Still on the page: show the signed-out state.
                self.inner.publish();
            }
            return result;
        }
        let Err(failure) =
            http::logout_in_background(&url, self.inner.config.request_timeout_ms).await
        else {
            return Ok(());
        };
        let why = failure.message();
        if self.inner.config.dev_mode {
            page::warn(&format!(
                "authkit: the background sign-out request failed ({why}); this browser is signed \
                 out and holds no refresh token any more, but the session at AuthKit may stay \
                 active until it expires"
            ));
            Ok(())
        } else {
            Err(AuthKitError::SignOutIncomplete(why))
        }
    }
}

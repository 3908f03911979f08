//! URLs the SDK builds: authorize, logout, authenticate; and query-string encoding.

use crate::options::SignInOptions;

/// Which hosted screen to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Sign-in (no `screen_hint` is sent).
    SignIn,
    /// Sign-up (`screen_hint=sign-up`).
    SignUp,
}

/// Encodes pairs as `application/x-www-form-urlencoded`, keys sorted, empty or `None` values
/// dropped (authkit-js's `toQueryString`).
///
/// ```
/// use authkit_yew::protocol::urls::to_query_string;
/// assert_eq!(to_query_string(&[("b", Some("2")), ("a", Some("x y")), ("c", None), ("d", Some(""))]), "a=x+y&b=2");
/// ```
pub fn to_query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let _ = pairs;
    todo!("sdk-core")
}

/// `{base_url}/user_management/authorize?…` with `client_id`, `code_challenge`,
/// `code_challenge_method=S256`, `provider=authkit`, `redirect_uri`, `response_type=code`, the
/// options (`state` as JSON, `organization_id`, `login_hint`, `invitation_token`,
/// `password_reset_token`) and `screen_hint=sign-up` for [`Screen::SignUp`] only.
pub fn authorize_url(
    base_url: &str,
    client_id: &str,
    redirect_uri: &str,
    code_challenge: &str,
    screen: Screen,
    options: &SignInOptions,
) -> String {
    let _ = (base_url, client_id, redirect_uri, code_challenge, screen, options);
    todo!("sdk-core")
}

/// `{base_url}/user_management/sessions/logout?session_id=…[&return_to=…]`.
pub fn logout_url(base_url: &str, session_id: &str, return_to: Option<&str>) -> String {
    let _ = (base_url, session_id, return_to);
    todo!("sdk-core")
}

/// `{base_url}/user_management/authenticate`.
pub fn authenticate_url(base_url: &str) -> String {
    format!("{base_url}/user_management/authenticate")
}

/// The sign-in options a sign-in endpoint forwards from its query string (`login_hint`,
/// `organization_id`, `invitation_token`); everything else is ignored.
pub fn sign_in_endpoint_options(query: &str) -> SignInOptions {
    let _ = query;
    todo!("sdk-core")
}

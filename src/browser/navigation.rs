//! Leaving the page for AuthKit (sign-in, sign-up, sign-out), with a seam for the SDK's own
//! tests (`internals` feature only): they observe the target URL instead of navigating away
//! from the test runner's page.

use crate::browser::page;
use crate::error::AuthKitError;

#[cfg(feature = "internals")]
type Interceptor = std::rc::Rc<dyn Fn(&str)>;

#[cfg(feature = "internals")]
thread_local! {
    static INTERCEPTOR: std::cell::RefCell<Option<Interceptor>> =
        const { std::cell::RefCell::new(None) };
}

/// Navigates the tab to `url` ([`page::navigate`]), or hands `url` to the interceptor installed
/// with [`intercept_for_tests`].
///
/// ```no_run
/// authkit_yew::browser::navigation::navigate("https://auth.example.com/user_management/authorize?…").ok();
/// ```
pub fn navigate(url: &str) -> Result<(), AuthKitError> {
    #[cfg(feature = "internals")]
    if let Some(observe) = INTERCEPTOR.with(|i| i.borrow().clone()) {
        observe(url);
        return Ok(());
    }
    page::navigate(url)
}

/// Test support only: while `Some(f)` is installed, every SDK navigation calls `f(url)` instead
/// of leaving the page (`None` restores real navigation). A wasm test cannot follow a
/// navigation, so this is how the navigating paths (`sign_in`, `sign_out` with `navigate: true`,
/// the organization-switch fallback, the `use_user` guard) are tested.
///
/// ```no_run
/// authkit_yew::browser::navigation::intercept_for_tests(Some(|url: &str| {
///     assert!(url.contains("/user_management/"));
/// }));
/// authkit_yew::browser::navigation::intercept_for_tests(None::<fn(&str)>);
/// ```
#[cfg(feature = "internals")]
pub fn intercept_for_tests<F: Fn(&str) + 'static>(f: Option<F>) {
    let f = f.map(|f| std::rc::Rc::new(f) as Interceptor);
    INTERCEPTOR.with(|i| *i.borrow_mut() = f);
}

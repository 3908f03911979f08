//! One module per scenario of issue 4, plus the proof that a real browser ran.

mod browser_proof;
mod s01_sign_up;
mod s02_reload;
mod s03_cookie_mode;
mod s04_protected_route;
mod s05_org_switch;
mod s06_refresh;
mod s07_sign_out;
mod s08_two_tabs;
mod s09_iframe;
mod s10_faults;
mod s11_not_started_at_app;
mod screenshots;

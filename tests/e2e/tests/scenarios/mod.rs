//! One module per scenario of issue 4 (s01–s11) and of issue 12's hosted flows (s01's
//! verification, s12–s17), plus the proof that a real browser ran and the screenshots.

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
mod s12_password_reset;
mod s13_magic_auth;
mod s14_invitation;
mod s15_google;
mod s16_mfa;
mod s17_hints;
mod screenshots;

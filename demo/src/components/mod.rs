//! Small building blocks of the demo's pages.

pub mod layout;
pub mod org_switcher;
pub mod session_details;
pub mod sign_out_button;
pub mod token_panel;
pub mod user_card;

/// Joins a list for display; `none` when empty.
pub fn join_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

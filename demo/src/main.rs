//! The authkit-yew demo app.
fn main() {}

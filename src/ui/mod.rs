//! The Yew layer: `<AuthKitProvider>`, `use_auth`, `use_user`.

//! The web platform (storage, fetch, locks, page, events). Every call is fallible; nothing panics.

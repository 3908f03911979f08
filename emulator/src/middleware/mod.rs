//! Request middleware, outermost first: [`context`] (request id, body, request log, tracing),
//! [`panic`] (a panic becomes a 500), [`cors`], [`control_guard`] (who may drive the
//! emulator), [`rate_limit`], [`faults`].

pub mod body;
pub mod context;
pub mod control_guard;
pub mod cors;
pub mod faults;
pub mod panic;
pub mod rate_limit;

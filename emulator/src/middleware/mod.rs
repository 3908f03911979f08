//! Request middleware, outermost first: [`context`] (request id, request log, tracing),
//! [`cors`], [`rate_limit`], [`faults`].

pub mod context;
pub mod cors;
pub mod faults;
pub mod rate_limit;

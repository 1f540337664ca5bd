//! `http` events (not compiled yet: every such event is an error).

use super::EventCtx;

pub fn compile(e: &mut EventCtx) {
    e.not_implemented("http");
}

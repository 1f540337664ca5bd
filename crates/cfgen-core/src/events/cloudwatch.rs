//! `cloudwatchEvent` and `cloudwatchLog` events (not compiled yet: every such event is an error).

use super::EventCtx;

pub fn compile_event(e: &mut EventCtx) {
    e.not_implemented("cloudwatchEvent");
}

pub fn compile_log(e: &mut EventCtx) {
    e.not_implemented("cloudwatchLog");
}

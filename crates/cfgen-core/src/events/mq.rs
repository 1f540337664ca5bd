//! `activemq` and `rabbitmq` events (not compiled yet: every such event is an error).

use super::EventCtx;

pub fn compile_activemq(e: &mut EventCtx) {
    e.not_implemented("activemq");
}

pub fn compile_rabbitmq(e: &mut EventCtx) {
    e.not_implemented("rabbitmq");
}

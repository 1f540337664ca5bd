//! `alexaSkill` and `alexaSmartHome` events (not compiled yet: every such event is an error).

use super::EventCtx;

pub fn compile_skill(e: &mut EventCtx) {
    e.not_implemented("alexaSkill");
}

pub fn compile_smart_home(e: &mut EventCtx) {
    e.not_implemented("alexaSmartHome");
}

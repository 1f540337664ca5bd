//! serverless-step-functions 3.31.2 (not compiled yet).

use crate::compile::{Ctx, Template};

/// `package:compileFunctions` (after the core's functions): state machine roles, state
/// machines, activities, alarms, notifications, their outputs.
pub fn compile_functions(_ctx: &mut Ctx, _t: &mut Template) {}

/// `package:compileEvents` (after the core's events): the plugin's schedule, http and
/// cloudwatchEvent events.
pub fn compile_events(_ctx: &mut Ctx, _t: &mut Template) {}

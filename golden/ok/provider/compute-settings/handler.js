'use strict';
module.exports.override = async () => ({ ok: true });

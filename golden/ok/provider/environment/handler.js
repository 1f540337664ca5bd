'use strict';
module.exports.api = async () => ({ table: process.env.TABLE });
module.exports.plain = async () => ({ global: process.env.GLOBAL });

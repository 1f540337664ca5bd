'use strict';
module.exports = { y: 'from-js' };

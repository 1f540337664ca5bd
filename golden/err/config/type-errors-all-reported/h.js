exports.a = 1; exports.b = 1;

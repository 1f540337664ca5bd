export const main = async () => 'ok';

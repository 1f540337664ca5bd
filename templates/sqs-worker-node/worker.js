'use strict';

// Reports the messages it could not handle, so only those go back to the queue.
exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records || []) {
    try {
      const job = JSON.parse(record.body);
      console.log('job', record.messageId, job);
    } catch (err) {
      console.error('bad job', record.messageId, err.message);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

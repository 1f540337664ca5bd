'use strict';

// The AWS SDK v3 is part of the nodejs22.x Lambda runtime; it is loaded when a job is sent.
exports.handler = async (event) => {
  const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
  const client = new SQSClient({});
  const body = typeof event.body === 'string' ? event.body : JSON.stringify(event);
  const out = await client.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: body }));
  return { statusCode: 202, body: JSON.stringify({ messageId: out.MessageId }) };
};

import type { FastifyReply } from 'fastify';

/**
 * Sends JSON the database already wrote (a projection read as one text value) as it comes: a
 * string with a JSON content type passes Fastify's serializer untouched. The reply is taken as a
 * plain FastifyReply because the route's response schema types the object this text spells, and a
 * typed reply's `send` accepts only that object.
 */
export const sendJsonText = (reply: FastifyReply, json: string) => reply.type('application/json; charset=utf-8').send(json);

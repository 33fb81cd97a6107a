import type { ChannelOptions } from '@grpc/grpc-js';
import { MAX_REQUEST_BYTES } from '../api/limits.js';
import { CLIENT_OPTIONS } from '../rpc/client-options.js';

// Byte limits between storage members. A log entry may be as large as one client request (a
// transaction just under the request limit), and a Ready may hold hundreds of appends to one
// peer: the transport cuts them into frames, and the gRPC limit between members leaves room for
// the largest entry with its message around it.

/** Largest log entry a member proposes: transactions that passed the request limit, with the batch's own fields. */
export const MAX_ENTRY_BYTES = MAX_REQUEST_BYTES + 4 * 1024;
/** What one frame of a peer stream is packed up to; a message of one larger entry goes alone. */
export const PEER_FRAME_BYTES = 2 * 1024 * 1024;
/** The gRPC message limit between storage members: the largest entry in one message, with its fields. */
export const MAX_PEER_MESSAGE_BYTES = MAX_ENTRY_BYTES + 64 * 1024;

/**
 * Channel options of every call to a storage member: between members, and from compute nodes,
 * whose append of one transaction at the request limit is a few bytes over it.
 */
export const STORAGE_CHANNEL_OPTIONS: ChannelOptions = { ...CLIENT_OPTIONS, 'grpc.max_send_message_length': MAX_PEER_MESSAGE_BYTES };

/**
 * Many servers on one Redis: what lets any number of Mia servers share one session store and still
 * behave as one. {@link dev.mia.server.cluster.RedisCluster} holds this server's Redisson client
 * and builds the parts on it, each on a Redisson or Bucket4j primitive rather than a protocol of
 * our own:
 *
 * <ul>
 *   <li>session locks (the engine's {@code SessionLocks}): a Redisson lock per session, renewed by
 *       its watchdog while held, lapsing a lease after its server dies;
 *   <li>the rate limit (the engine's {@code UserRateLimiter}): Bucket4j's token bucket with its
 *       state in Redis, the same bucket as the local limiter's;
 *   <li>the connection cap ({@code follow.ConnectionCap}): a semaphore of expirable permits per
 *       user, each connection's permit leased and renewed by its server;
 *   <li>room events ({@code socketio.RoomEvents}): what a server sends to a session's room, on one
 *       Redis pub/sub channel, published one event of a session after another and delivered by
 *       every other server to its own connections in the room.
 * </ul>
 *
 * <p>netty-socketio's own {@code RedissonStoreFactory} is not used: it moves each client's
 * attribute store into Redis, where the adapter's per-connection state object ({@code
 * socketio.SocketIoAdapter}'s {@code Connection}, with its locks and futures) cannot live, and its
 * broadcasts go through the library's per-client queues that the direct frame path of {@code
 * socketio.SessionRoom} avoids. Client stores stay in memory; only room events travel.
 *
 * <p>Polling clients need sticky sessions at the load balancer: an Engine.IO session lives on the
 * server that made it. Uses {@code socketio} and {@code config}; nothing but {@code
 * dev.mia.server.MiaServer} uses this room.
 */
package dev.mia.server.cluster;

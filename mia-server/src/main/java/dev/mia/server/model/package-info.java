/**
 * The model side of the server on Netty: a streaming model client whose connections live on the
 * same I/O threads as the sockets ({@link dev.mia.server.model.NettyChatModel}), and the executor
 * that keeps a message's turn on the thread of the socket that received it ({@link
 * dev.mia.server.model.EventLoopTurns}).
 */
package dev.mia.server.model;

// The JavaScript client example from the original server's documentation (seed 000,
// "Using WebSocket Client (JavaScript)"), as a user of the original would run it.
//
//   node seed-example.mjs [url] [transport]
//
//   url        server URL (default $MIA_URL or http://localhost:3001)
//   transport  websocket | polling (default $MIA_TRANSPORT, else Socket.IO's default)
//   MIA_TOKEN  optional JWT from POST /api/auth/token; omit for anonymous
//
// Exits 0 after message_complete, 1 on a connection error or an `error` event.
import { io } from 'socket.io-client';

const url = process.argv[2] || process.env.MIA_URL || 'http://localhost:3001';
const transport = process.argv[3] || process.env.MIA_TRANSPORT;
const token = process.env.MIA_TOKEN;

const socket = io(url, {
  ...(token ? { auth: { token } } : {}), // or omit for anonymous
  ...(transport ? { transports: [transport] } : {}),
});

socket.on('connect', () => {
  console.log('Connected:', socket.id);

  // Join session
  socket.emit('join_session', { sessionId: null });
});

socket.on('session_created', (data) => {
  console.log('Session:', data.sessionId);

  // Send message
  socket.emit('message', {
    sessionId: data.sessionId,
    message: 'Hello Mia!',
  });
});

socket.on('message_chunk', (data) => {
  process.stdout.write(data.chunk);
});

socket.on('message_complete', (data) => {
  console.log('\nComplete:', data.message);
  socket.close();
});

socket.on('safety_alert', (data) => {
  console.log('ALERT - Tier', data.tier);
});

socket.on('error', (data) => {
  console.error('Error:', data && data.message, data && data.error);
  socket.close();
  process.exitCode = 1;
});

socket.on('connect_error', (err) => {
  console.error('Connection error:', err.message);
  socket.close();
  process.exitCode = 1;
});

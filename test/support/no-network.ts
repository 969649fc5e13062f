// The unit tier's guard: a unit test is pure, so opening a socket (a
// database, Redis, an HTTP call, even to 127.0.0.1) fails it at once with a
// message that says where such a test belongs. Without this, a test that
// quietly needs a running service would pass here and hide in the fast tier.
// node:net is shared by every test file a jest worker runs, so the guard is
// lifted after each unit file, before an integration or e2e file runs there.
import net from 'node:net';

const connect = net.Socket.prototype.connect;
const refuse = function (this: net.Socket): never {
  throw new Error(
    'a unit test (beside the code) opened a network connection: move it to test/integration (real PostgreSQL and Redis) or test/e2e',
  );
};
net.Socket.prototype.connect = refuse as unknown as typeof connect;
afterAll(() => {
  net.Socket.prototype.connect = connect;
});

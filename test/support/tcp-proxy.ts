import net from "node:net";

/**
 * A TCP forwarder the tests own: it makes a server on 127.0.0.1 reachable from another network
 * namespace (bound to a veth address), and it is the cable a test pulls: `cut()` ends every
 * connection through it and refuses new ones until `restore()`, a real connection loss for the clients.
 */
export class TcpProxy {
  /** Remote addresses of every connection accepted, so a test can see who came through. */
  readonly clients = new Set<string>();
  private readonly sockets = new Set<net.Socket>();
  private down = false;

  private constructor(private readonly server: net.Server) {}

  static async start(host: string, target: { host: string; port: number }): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server);
    server.on("connection", (client) => proxy.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => resolve());
    });
    return proxy;
  }

  get address(): { host: string; port: number } {
    const a = this.server.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Ends every connection now (a reset, as when a server restarts) and refuses new ones. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    if (this.down) return void client.resetAndDestroy();
    this.clients.add(client.remoteAddress ?? "?");
    const upstream = net.connect(target.port, target.host);
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(a);
      a.setNoDelay(true);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        this.sockets.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}

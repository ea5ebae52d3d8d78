package dev.meshfed.bench.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open-loop driver's HTTP/1.1 client: pre-encoded requests written to keep-alive sockets, one
 * blocking reader thread per connection, a new connection whenever all open ones are busy (up to
 * a cap). It exists because the JDK {@code HttpClient} spent about 0.45 ms of CPU per request, 0.9
 * of this machine's two cores at 2,000 requests per second (docs/benchmarks.md, open loop), so on
 * two cores the driver, not the server, set the tail. This one costs a write, a read and one
 * thread wake-up per request.
 *
 * <p>Not a general client: no TLS, no redirects, no request pipelining; a response must carry
 * {@code Content-Length} or chunked encoding (the local gateway's always do).
 */
final class RawHttp implements AutoCloseable {

    /** Told once per request: its status, or -1 and the failure. */
    interface Done {
        void done(int status, IOException failure);
    }

    private final InetSocketAddress address;
    private final int maxConnections;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    RawHttp(String host, int port, int maxConnections) {
        this.address = new InetSocketAddress(host, port);
        this.maxConnections = maxConnections;
    }

    /**
     * A request as bytes: {@code method path}, {@code Host}, optional token and body.
     */
    static byte[] encode(String method, String path, String host, String token, String contentType, byte[] body) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n");
        if (token != null) {
            head.append("X-Consul-Token: ").append(token).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
        if (body == null) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * Sends {@code request} on an idle connection, or a new one. Returns false, sending nothing, if
     * every one of the {@code maxConnections} is busy. Meant for one sending thread.
     */
    boolean send(byte[] request, Done done) {
        Connection c = idle.poll();
        if (c == null) {
            if (open.incrementAndGet() > maxConnections) {
                open.decrementAndGet();
                return false;
            }
            try {
                c = new Connection();
            } catch (IOException e) {
                open.decrementAndGet();
                done.done(-1, e);
                return true;
            }
        }
        c.send(request, done);
        return true;
    }

    /** Connections opened and not yet failed. */
    int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            c.close();
        }
    }

    private final class Connection implements Runnable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private volatile Done pending;
        private final java.util.concurrent.atomic.AtomicBoolean dead = new java.util.concurrent.atomic.AtomicBoolean();

        Connection() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, 5_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            Thread t = new Thread(this, "raw-http-" + open.get());
            t.setDaemon(true);
            t.start();
        }

        void send(byte[] request, Done done) {
            pending = done; // before the write: the answer may arrive before write() returns
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                fail(e);
            }
        }

        @Override
        public void run() {
            try {
                while (!closed) {
                    int status = readResponse(in);
                    Done d = pending;
                    pending = null;
                    idle.add(this);
                    if (d != null) {
                        d.done(status, null);
                    }
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        private void fail(IOException e) {
            Done d = pending;
            pending = null;
            if (dead.compareAndSet(false, true)) {
                idle.remove(this);
                close();
                open.decrementAndGet();
            }
            if (d != null) {
                d.done(-1, e);
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Reads one response and returns its status; the body is read and discarded. */
    static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        String header;
        while (!(header = line(in)).isEmpty()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(line(in).split(";", 2)[0].trim(), 16)) > 0) {
                skip(in, size);
                line(in); // the CRLF after each chunk
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(in, length);
        } else if (length < 0 && status >= 200 && status != 204 && status != 304) {
            throw new IOException("response without Content-Length or chunked encoding");
        }
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed in a body");
                }
                k = 1;
            }
            n -= k;
        }
    }
}

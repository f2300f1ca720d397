package dev.whisk.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 keep-alive client for latency measurement: one socket, no pooling, no allocation
 * beyond the response body, so that the platform and the direct baseline are measured through the very same client.
 * Handles only responses with {@code Content-Length}, which is all the platform and the runtime proxy send.
 */
final class RawHttpClient implements AutoCloseable
{
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawHttpClient(final String host, final int port) throws IOException
    {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(120_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** Pre-renders a POST so that the measured loop only writes bytes. */
    static byte[] post(final String host, final String path, final String authHeader, final byte[] body)
    {
        return post(host, path, authHeader, null, body);
    }

    /** Pre-renders a POST with one more header line ({@code "Name: value"}), or none when it is null. */
    static byte[] post(final String host, final String path, final String authHeader, final String extraHeader,
        final byte[] body)
    {
        final String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" +
            (authHeader == null ? "" : "Authorization: " + authHeader + "\r\n") +
            (extraHeader == null ? "" : extraHeader + "\r\n") +
            "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        final byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        final byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Pre-renders a GET. */
    static byte[] get(final String host, final String path, final String authHeader)
    {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" +
            (authHeader == null ? "" : "Authorization: " + authHeader + "\r\n") + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends a pre-rendered request and reads the whole response; returns the status code. */
    int exchange(final byte[] request, final byte[][] bodyOut) throws IOException
    {
        out.write(request);
        out.flush();
        final int status = readStatusAndHeaders();
        final byte[] body = in.readNBytes(contentLength);
        if (body.length != contentLength)
        {
            throw new IOException("connection closed inside a response body");
        }
        if (bodyOut != null)
        {
            bodyOut[0] = body;
        }
        return status;
    }

    private int contentLength;

    private int readStatusAndHeaders() throws IOException
    {
        final String statusLine = readLine();
        if (statusLine == null || statusLine.length() < 12)
        {
            throw new IOException("no HTTP status line: " + statusLine);
        }
        final int status = Integer.parseInt(statusLine.substring(9, 12));
        contentLength = 0;
        String line;
        while ((line = readLine()) != null && !line.isEmpty())
        {
            if (line.regionMatches(true, 0, "content-length:", 0, 15))
            {
                contentLength = Integer.parseInt(line.substring(15).trim());
            }
        }
        return status;
    }

    private final StringBuilder lineBuffer = new StringBuilder(128);

    private String readLine() throws IOException
    {
        lineBuffer.setLength(0);
        int c;
        while ((c = in.read()) != -1)
        {
            if (c == '\n')
            {
                final int len = lineBuffer.length();
                if (len > 0 && lineBuffer.charAt(len - 1) == '\r')
                {
                    lineBuffer.setLength(len - 1);
                }
                return lineBuffer.toString();
            }
            lineBuffer.append((char)c);
        }
        return lineBuffer.length() == 0 ? null : lineBuffer.toString();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }

}

package dev.whisk.launcher.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.net.ssl.HttpsURLConnection;

/** The client commands' HTTP client: one credential, JSON in and out, paths relative to {@code /api/v1}. */
final class RestClient
{
    private final String base;
    private final String authHeader;
    private final boolean insecure;

    /**
     * A client of {@code props}' API host. It uses {@link HttpURLConnection}, not {@code java.net.http.HttpClient}:
     * the latter builds the default TLS context (key stores, cipher suites) even for {@code http://}, which costs a
     * short-lived command a third of its start.
     */
    RestClient(final WskProps props, final boolean insecure)
    {
        this.insecure = insecure;
        this.base = props.apiHost() + "/api/v1";
        this.authHeader = "Basic " + Base64.getEncoder().encodeToString(props.auth().getBytes(StandardCharsets.UTF_8));
    }

    /** A response; {@link #isOk()} for 2xx. */
    record Response(int status, String body)
    {
        boolean isOk()
        {
            return status >= 200 && status < 300;
        }

        /** The body's JSON; an empty object for an empty body, {@code {"error": body}} for one that is not JSON. */
        JsonValue json()
        {
            if (body.isEmpty())
            {
                return JsonValue.object();
            }
            try
            {
                return JsonValue.parse(body);
            }
            catch (final IllegalArgumentException ex)
            {
                return JsonValue.object().put("error", body);
            }
        }

        /** The server's error text and code, or the status when it sent none. */
        String error()
        {
            final JsonValue json = json();
            final JsonValue e = json.path("error");
            if (!e.isTextual())
            {
                return "HTTP " + status + (body.isEmpty() ? "" : ": " + body);
            }
            final JsonValue code = json.path("code");
            return e.asText() + (code.isMissing() || code.isNull() ? "" : " (code " + code.asText() + ")");
        }
    }

    /** {@code APIHOST/api/v1}. */
    String base()
    {
        return base;
    }

    Response send(final String method, final String path, final String body) throws IOException
    {
        final HttpURLConnection c = (HttpURLConnection)URI.create(base + path).toURL().openConnection();
        if (insecure && c instanceof HttpsURLConnection https)
        {
            https.setSSLSocketFactory(trustAll().getSocketFactory());
            https.setHostnameVerifier((host, session) -> true);
        }
        c.setConnectTimeout(10_000);
        c.setReadTimeout(75_000);
        c.setRequestMethod(method);
        c.setRequestProperty("Content-Type", "application/json");
        c.setRequestProperty("Authorization", authHeader);
        c.setRequestProperty("User-Agent", "whisk-cli");
        if (body != null)
        {
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream())
            {
                out.write(bytes);
            }
        }
        final int status = c.getResponseCode();
        final InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (in == null)
        {
            return new Response(status, "");
        }
        try (in)
        {
            return new Response(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /**
     * The REST path of an entity name as wsk spells it: {@code name}, {@code pkg/name}, {@code /ns/name} or
     * {@code /ns/pkg/name}, each segment URL-encoded.
     */
    static String entityPath(final String collection, final String name)
    {
        String ns = "_";
        String rest = name;
        if (name.startsWith("/"))
        {
            final int slash = name.indexOf('/', 1);
            if (slash < 0)
            {
                throw new IllegalArgumentException("'" + name + "' is not a valid name: use /namespace/name");
            }
            ns = name.substring(1, slash);
            rest = name.substring(slash + 1);
        }
        final StringBuilder sb = new StringBuilder("/namespaces/").append(encode(ns)).append('/').append(collection);
        for (final String segment : rest.split("/", -1))
        {
            sb.append('/').append(encode(segment));
        }
        return sb.toString();
    }

    /** {@code -i}: a TLS context that accepts any certificate, as {@code wsk -i} does for a self-signed host. */
    private static javax.net.ssl.SSLContext trustAll()
    {
        try
        {
            final javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[]{new javax.net.ssl.X509TrustManager()
            {
                @Override
                public void checkClientTrusted(final java.security.cert.X509Certificate[] chain, final String type)
                {
                }

                @Override
                public void checkServerTrusted(final java.security.cert.X509Certificate[] chain, final String type)
                {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers()
                {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            return context;
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static String encode(final String segment)
    {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

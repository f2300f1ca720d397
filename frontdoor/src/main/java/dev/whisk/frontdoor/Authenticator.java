package dev.whisk.frontdoor;

import dev.whisk.core.entity.Identity;
import dev.whisk.core.entity.Messages;
import dev.whisk.storage.SubjectStore;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Basic authentication against the subject store: {@code Authorization: Basic base64(uuid:key)} selects one
 * namespace. Answers 401 itself, with OpenWhisk's texts, when the header is missing or the credential is wrong.
 *
 * <p>The event loop never pays for a slow hash. A credential already verified is taken at the cost of one SHA-256,
 * and one that failed lately is refused at that cost; any other (a first use, a new wrong key, an unknown uuid) is
 * hashed on a small pool of its own ({@value #HASH_THREADS} thread, {@value #HASH_QUEUE} waiting) and the request
 * goes on, or is refused, on its own event loop afterwards. A client (by IP address) whose credentials failed the
 * slow hash {@link FailedAuthBudget too often} is refused with 429 before any more hashing, and a full hash queue is
 * 503: a stream of wrong keys costs its sender, not the callers whose keys are known.
 *
 * <p>Threads: any event loop; the hash pool's thread only hashes.
 */
public final class Authenticator
{
    private static final String BASIC = "basic ";
    static final int HASH_THREADS = 1;
    static final int HASH_QUEUE = 64;

    private static final ApiError WRONG = new ApiError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_INVALID);
    private static final ApiError MISSING = new ApiError(HttpResponseStatus.UNAUTHORIZED, Messages.AUTH_REQUIRED);
    private static final ApiError OVER_BUDGET =
        new ApiError(HttpResponseStatus.TOO_MANY_REQUESTS, Messages.TOO_MANY_FAILED_AUTHENTICATIONS);
    private static final ApiError BUSY =
        new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, Messages.SERVICE_UNAVAILABLE);

    private final SubjectStore subjects;
    private final Executor hasher;
    private final FailedAuthBudget budget;
    private final LongAdder slowChecks = new LongAdder();
    /**
     * Identities by the exact {@code Authorization} value that proved them, valid while the subject store's
     * {@link SubjectStore#generation() generation} has not moved: a keep-alive caller sends the same header every
     * time, and this spares each of its requests the Base64 decode, the split and the key's digest. Only verified
     * credentials go in; past {@link #MAX_CACHED_HEADERS} it starts again empty.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Known> byHeader =
        new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_CACHED_HEADERS = 4_096;

    private record Known(Identity identity, long generation)
    {
    }
    private final LongAdder refusedOverBudget = new LongAdder();

    public Authenticator(final SubjectStore subjects)
    {
        this(subjects, newHasher(), new FailedAuthBudget(FailedAuthBudget.DEFAULT_FAILURES,
            FailedAuthBudget.DEFAULT_WINDOW_MS, System::currentTimeMillis));
    }

    Authenticator(final SubjectStore subjects, final Executor hasher, final FailedAuthBudget budget)
    {
        this.subjects = subjects;
        this.hasher = hasher;
        this.budget = budget;
    }

    /**
     * A daemon thread that exists only while there is hashing to do (it ends after 30 s idle), with a bounded queue:
     * an idle platform keeps no thread for it.
     */
    private static Executor newHasher()
    {
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(HASH_THREADS, HASH_THREADS, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(HASH_QUEUE), new DefaultThreadFactory("whisk-auth-hash", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * Runs {@code then} with the identity of the request's Basic credential, or with {@code null} when it has none
     * or a wrong one, or its client spent its budget, or the hash queue is full; answers nothing itself (web actions
     * are tried with auth first, then anonymously). As {@link #authenticate}, a credential that needs a slow hash is
     * hashed off the loop and {@code then} runs on the request's event loop afterwards.
     */
    public void tryAuthenticate(final Exchange ex, final Consumer<Identity> then)
    {
        identify(ex, then, refusal -> then.accept(null));
    }

    /**
     * Authenticates the caller and runs {@code then} with its identity: at once when the credential is known, else
     * on the request's event loop after a hash elsewhere. Otherwise answers 401 (missing or wrong), 429 (the client
     * spent its budget of failures) or 503 (the hash queue is full) and never runs {@code then}. A failure of
     * {@code then} is answered as {@link Exchange#run} does.
     */
    public void authenticate(final Exchange ex, final Consumer<Identity> then)
    {
        identify(ex, then, refusal -> ex.sendError(refusal.status(), refusal.getMessage()));
    }

    /** Runs {@code then} with the caller's identity, or {@code refuse} with why not; see {@link #authenticate}. */
    private void identify(final Exchange ex, final Consumer<Identity> then, final Consumer<ApiError> refuse)
    {
        final String header = ex.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (!isBasic(header))
        {
            refuse.accept(MISSING);
            return;
        }
        final long generation = subjects.generation();
        final Identity cached = cached(header, generation);
        if (cached != null)
        {
            then.accept(cached);
            return;
        }
        final String credential = credential(header);
        final int colon = credential == null ? -1 : credential.indexOf(':');
        if (colon <= 0)
        {
            refuse.accept(WRONG);
            return;
        }
        check(ex, credential.substring(0, colon), credential.substring(colon + 1), rememberAs(header, generation, then),
            refuse);
    }

    private Identity cached(final String header, final long generation)
    {
        final Known known = byHeader.get(header);
        return known != null && known.generation() == generation ? known.identity() : null;
    }

    /**
     * {@code then}, after it remembers the identity under {@code header} with the generation read before the check
     * began: a subject changed meanwhile leaves an entry that no later lookup takes.
     */
    private Consumer<Identity> rememberAs(final String header, final long generation, final Consumer<Identity> then)
    {
        return identity ->
        {
            if (identity != null)
            {
                if (byHeader.size() >= MAX_CACHED_HEADERS)
                {
                    byHeader.clear();
                }
                byHeader.put(header, new Known(identity, generation));
            }
            then.accept(identity);
        };
    }

    private void check(final Exchange ex, final String uuid, final String key, final Consumer<Identity> then,
        final Consumer<ApiError> refuse)
    {
        final Identity known = subjects.verified(uuid, key);
        if (known != null)
        {
            then.accept(known);
            return;
        }
        if (subjects.isKnownWrong(uuid, key))
        {
            refuse.accept(WRONG);
            return;
        }
        final String client = ex.clientAddress();
        if (budget.isSpent(client))
        {
            refusedOverBudget.increment();
            refuse.accept(OVER_BUDGET);
            return;
        }
        try
        {
            hasher.execute(() ->
            {
                final Identity identity = subjects.authenticate(uuid, key);
                slowChecks.increment();
                ex.executor().execute(() -> ex.run(() ->
                {
                    if (identity == null)
                    {
                        budget.onFailure(client);
                        refuse.accept(WRONG);
                        return;
                    }
                    then.accept(identity);
                }));
            });
        }
        catch (final RejectedExecutionException full)
        {
            refuse.accept(BUSY);
        }
    }

    /** Credentials checked with a slow hash since start. */
    public long slowChecks()
    {
        return slowChecks.sum();
    }

    /** Requests refused with 429 because their client had spent its budget of failed checks. */
    public long refusedOverBudget()
    {
        return refusedOverBudget.sum();
    }

    /**
     * What the front door answers an upload on its headers alone, before it reads the body: the 401 text when the
     * credential is missing, malformed or wrong; {@code null} when it is good. A credential neither verified nor known
     * wrong is hashed here, on the event loop, within {@code client}'s budget of failures (past it, refused unhashed):
     * only uploads of 16 KB and more ask, and a wrong key then costs its sender its budget, not a read of its body.
     */
    public String refusal(final HttpHeaders headers, final String client)
    {
        final String header = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (!isBasic(header))
        {
            return Messages.AUTH_REQUIRED;
        }
        if (cached(header, subjects.generation()) != null)
        {
            return null;
        }
        final String credential = credential(header);
        final int colon = credential == null ? -1 : credential.indexOf(':');
        if (colon <= 0)
        {
            return Messages.AUTH_INVALID;
        }
        final String uuid = credential.substring(0, colon);
        final String key = credential.substring(colon + 1);
        if (subjects.verified(uuid, key) != null)
        {
            return null;
        }
        if (subjects.isKnownWrong(uuid, key))
        {
            return Messages.AUTH_INVALID;
        }
        if (budget.isSpent(client))
        {
            refusedOverBudget.increment();
            return Messages.AUTH_INVALID;
        }
        final Identity identity = subjects.authenticate(uuid, key);
        slowChecks.increment();
        if (identity == null)
        {
            budget.onFailure(client);
            return Messages.AUTH_INVALID;
        }
        return null;
    }

    private static boolean isBasic(final String header)
    {
        return header != null && header.length() > BASIC.length() &&
            header.regionMatches(true, 0, BASIC, 0, BASIC.length());
    }

    /** The decoded {@code uuid:key} of a Basic header, or {@code null} when there is none or it does not decode. */
    private static String credential(final String header)
    {
        if (!isBasic(header))
        {
            return null;
        }
        try
        {
            return new String(Base64.getDecoder().decode(header.substring(BASIC.length()).trim()),
                StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException notBase64)
        {
            return null;
        }
    }
}

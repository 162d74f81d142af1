package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.oscore.internal.KeyDerivation;
import dev.tern.coap.oscore.internal.ReplayWindow;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An OSCORE security context (RFC 8613 §3): the Common Context (algorithm, Common IV, ID Context),
 * the Sender Context (Sender ID, Sender Key, Sender Sequence Number) and the Recipient Context
 * (Recipient ID, Recipient Key, replay window), derived from the Master Secret and Master Salt with
 * HKDF-SHA256 (§3.2). The keys never leave this object: no accessor returns them and
 * {@link #toString()} shows only identifiers. Thread-safe.
 */
public final class SecurityContext {
    /** The default replay window size in sequence numbers (RFC 8613 §7.4 leaves the size open). */
    public static final int DEFAULT_REPLAY_WINDOW = 32;
    /** The largest replay window a context accepts. */
    public static final int MAX_REPLAY_WINDOW = 4096;
    /** The default persistence step K of Appendix B.1.1. */
    public static final int DEFAULT_PERSISTENCE_STEP = 64;
    /** The largest Sender Sequence Number: 2^40 - 1 (RFC 8613 §7.2.1). */
    public static final long MAX_SEQUENCE_NUMBER = 0xFF_FFFF_FFFFL;

    private final AeadAlgorithm algorithm;
    private final Bytes senderId;
    private final Bytes recipientId;
    private final Bytes idContext;
    private final byte[] senderKey;
    private final byte[] recipientKey;
    private final byte[] commonIv;
    private final SequenceNumberStore store;
    private final String storeKey;
    private final int persistenceStep;
    private final ReplayWindow replayWindow;
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    private long nextSequenceNumber;
    private long reservedUpTo;
    /** For Appendix B.2: the builder this context came from, keeping the Master Secret; null when not rederivable. */
    private final Builder template;
    /** Whether this context was derived by Appendix B.2 rather than configured. */
    private final boolean derived;
    /** False until an Echo round trip re-established freshness after start (Appendix B.1.2). */
    private boolean windowKnown;
    /** The Echo value of the outstanding challenge, or null (RFC 9175 §2.2). */
    private byte[] echoChallenge;

    private SecurityContext(Builder b) {
        this.algorithm = b.algorithm;
        this.senderId = b.senderId;
        this.recipientId = b.recipientId;
        this.idContext = b.idContext;
        this.template = b.rederivable ? b.copy() : null;
        this.derived = b.derived;
        KeyDerivation.Derived d = KeyDerivation.derive(algorithm, b.masterSecret.toArray(), b.masterSalt.toArray(),
                idContext == null ? null : idContext.toArray(), senderId.toArray(), recipientId.toArray());
        this.senderKey = d.senderKey();
        this.recipientKey = d.recipientKey();
        this.commonIv = d.commonIv();
        this.store = b.store;
        this.persistenceStep = b.persistenceStep;
        this.replayWindow = new ReplayWindow(b.replayWindow);
        this.windowKnown = !b.echoAfterStart;
        this.storeKey = "sid-" + senderId.hex() + ".rid-" + recipientId.hex() + ".ctx-"
                + (idContext == null ? "none" : idContext.hex());
        OptionalLong stored = store.load(storeKey);
        this.nextSequenceNumber = stored.orElse(0L);
        this.reservedUpTo = nextSequenceNumber;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The AEAD algorithm (RFC 8613 §3.1). */
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    /** This endpoint's Sender ID, the kid of its requests (RFC 8613 §3.1). */
    public Bytes senderId() {
        return senderId;
    }

    /** The peer's Sender ID, which identifies this context on receipt (RFC 8613 §3.1). */
    public Bytes recipientId() {
        return recipientId;
    }

    /** The ID Context, when the context has one (RFC 8613 §3.1, §5.1). */
    public Optional<Bytes> idContext() {
        return Optional.ofNullable(idContext);
    }

    /** The replay window size (RFC 8613 §7.4). */
    public int replayWindowSize() {
        return replayWindow.size();
    }

    /** The next Sender Sequence Number this context will use (RFC 8613 §3.1). */
    public synchronized long senderSequenceNumber() {
        return nextSequenceNumber;
    }

    /** Whether new contexts with another ID Context may be derived from this one (RFC 8613 Appendix B.2). */
    public boolean isRederivable() {
        return template != null;
    }

    /**
     * Appendix B.2: the context with the same Master Secret, Salt, IDs and settings and the ID
     * Context {@code id}, fresh (its replay window starts empty: new keys, so no old message
     * verifies under it).
     */
    SecurityContext withIdContext(Bytes id) {
        if (template == null) {
            throw new IllegalStateException("not rederivable");
        }
        Builder b = template.copy();
        b.idContext = id;
        b.echoAfterStart = false;
        b.derived = true;
        return new SecurityContext(b);
    }

    boolean isDerived() {
        return derived;
    }

    /** Identifiers only; never keys. */
    @Override
    public String toString() {
        return "SecurityContext[alg=" + algorithm + ", sid=" + senderId + ", rid=" + recipientId
                + (idContext == null ? "" : ", idContext=" + idContext) + "]";
    }

    byte[] senderKey() {
        return senderKey;
    }

    byte[] recipientKey() {
        return recipientKey;
    }

    byte[] commonIv() {
        return commonIv;
    }

    byte[] idContextBytes() {
        return idContext == null ? null : idContext.toArray();
    }

    /**
     * Takes the next Sender Sequence Number, first reserving the next K in the store when the
     * reservation is used up (Appendix B.1.1). Throws when the numbers are exhausted (§7.2.1).
     */
    synchronized long takeSequenceNumber() {
        if (nextSequenceNumber > MAX_SEQUENCE_NUMBER) {
            throw new OscoreException(Code.SERVICE_UNAVAILABLE, "Sender Sequence Number exhausted");
        }
        if (nextSequenceNumber >= reservedUpTo) {
            long reserve = Math.min(nextSequenceNumber + persistenceStep, MAX_SEQUENCE_NUMBER + 1);
            store.store(storeKey, reserve); // before use: a crash after this never reuses a number
            reservedUpTo = reserve;
        }
        return nextSequenceNumber++;
    }

    /** Whether a request's sequence number passes the replay window (before decryption). */
    synchronized boolean isFresh(long seq) {
        return !windowKnown || replayWindow.isFresh(seq);
    }

    /** Whether the replay window is established (always, unless Appendix B.1.2 applies and no Echo came back yet). */
    public synchronized boolean replayWindowKnown() {
        return windowKnown;
    }

    /** Records a verified request's sequence number; false for a replay (RFC 8613 §7.4). */
    synchronized boolean acceptVerified(long seq) {
        return replayWindow.accept(seq);
    }

    /**
     * Appendix B.1.2: when {@code echo} is the value this context challenged with (compared in
     * constant time), the replay window restarts at {@code seq}, everything older counting as seen.
     */
    synchronized boolean establishWindow(long seq, byte[] echo) {
        if (windowKnown || echoChallenge == null || !java.security.MessageDigest.isEqual(echoChallenge, echo)) {
            return false;
        }
        replayWindow.resetTo(seq);
        windowKnown = true;
        echoChallenge = null;
        return true;
    }

    /** The Echo value to challenge with (one outstanding per context, so memory stays flat). */
    synchronized byte[] echoChallenge() {
        if (echoChallenge == null) {
            echoChallenge = new byte[8];
            random.nextBytes(echoChallenge);
        }
        return echoChallenge.clone();
    }

    /** Builds a {@link SecurityContext}; the Master Secret, Sender ID and Recipient ID are required. */
    public static final class Builder {
        private Bytes masterSecret;
        private Bytes masterSalt = Bytes.EMPTY;
        private Bytes idContext;
        private Bytes senderId;
        private Bytes recipientId;
        private AeadAlgorithm algorithm = AeadAlgorithm.AES_CCM_16_64_128;
        private int replayWindow = DEFAULT_REPLAY_WINDOW;
        private int persistenceStep = DEFAULT_PERSISTENCE_STEP;
        private SequenceNumberStore store = SequenceNumberStore.inMemory();
        private boolean echoAfterStart = true;
        private boolean rederivable;
        private boolean derived;

        private Builder() {
        }

        /** The Master Secret (RFC 8613 §3.1), at least 16 bytes are recommended. */
        public Builder masterSecret(Bytes secret) {
            this.masterSecret = Objects.requireNonNull(secret, "secret");
            return this;
        }

        /** The Master Salt (RFC 8613 §3.1); empty by default. */
        public Builder masterSalt(Bytes salt) {
            this.masterSalt = Objects.requireNonNull(salt, "salt");
            return this;
        }

        /** The ID Context (RFC 8613 §3.1); none by default. */
        public Builder idContext(Bytes context) {
            this.idContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** This endpoint's Sender ID (RFC 8613 §3.1), at most nonce length - 6 bytes (§3.3). */
        public Builder senderId(Bytes id) {
            this.senderId = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The peer's Sender ID (RFC 8613 §3.1). */
        public Builder recipientId(Bytes id) {
            this.recipientId = Objects.requireNonNull(id, "id");
            return this;
        }

        /** The AEAD algorithm; AES-CCM-16-64-128 by default (RFC 8613 §3.2). */
        public Builder algorithm(AeadAlgorithm alg) {
            this.algorithm = Objects.requireNonNull(alg, "alg");
            return this;
        }

        /** The replay window size, 1..{@value #MAX_REPLAY_WINDOW}; {@value #DEFAULT_REPLAY_WINDOW} by default (§7.4). */
        public Builder replayWindow(int size) {
            if (size < 1 || size > MAX_REPLAY_WINDOW) {
                throw new IllegalArgumentException("replay window must be 1.." + MAX_REPLAY_WINDOW + ": " + size);
            }
            this.replayWindow = size;
            return this;
        }

        /** Where Sender Sequence Numbers are reserved (Appendix B.1.1); in memory by default. */
        public Builder sequenceNumberStore(SequenceNumberStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The persistence step K of Appendix B.1.1, 1..65536; {@value #DEFAULT_PERSISTENCE_STEP} by default. */
        public Builder persistenceStep(int k) {
            if (k < 1 || k > 65536) {
                throw new IllegalArgumentException("persistence step must be 1..65536: " + k);
            }
            this.persistenceStep = k;
            return this;
        }

        /**
         * Whether, as a server, the context treats its replay window as unknown when built (a
         * process start): requests are then answered with a protected 4.01 carrying Echo until
         * one comes back with that value, whose Partial IV starts the window (RFC 8613 Appendix
         * B.1.2). Default true: a request captured before a restart cannot be replayed after it.
         * False only where the replay window is known to be fresh (a new Master Secret or Salt).
         */
        public Builder echoAfterStart(boolean enabled) {
            this.echoAfterStart = enabled;
            return this;
        }

        /**
         * Whether the context may derive new contexts with a new ID Context, as Appendix B.2 of
         * RFC 8613 describes (off by default): the context then keeps the Master Secret and Salt
         * (never exposed). A server accepts a request with an unknown kid context for this
         * Recipient ID as the start of a re-derivation; a client starts one with its first request,
         * so that a client without stored sequence numbers gets fresh keys at every start.
         */
        public Builder rederivable(boolean enabled) {
            this.rederivable = enabled;
            return this;
        }

        private Builder copy() {
            Builder b = new Builder();
            b.masterSecret = masterSecret;
            b.masterSalt = masterSalt;
            b.idContext = idContext;
            b.senderId = senderId;
            b.recipientId = recipientId;
            b.algorithm = algorithm;
            b.replayWindow = replayWindow;
            b.persistenceStep = persistenceStep;
            b.store = store;
            b.echoAfterStart = echoAfterStart;
            b.rederivable = rederivable;
            b.derived = derived;
            return b;
        }

        /** Derives the keys and builds the context; loads the stored sequence number. */
        public SecurityContext build() {
            Objects.requireNonNull(masterSecret, "masterSecret is required");
            Objects.requireNonNull(senderId, "senderId is required");
            Objects.requireNonNull(recipientId, "recipientId is required");
            if (masterSecret.isEmpty()) {
                throw new IllegalArgumentException("the Master Secret must not be empty");
            }
            int max = algorithm.maxIdLength();
            if (senderId.length() > max || recipientId.length() > max) {
                throw new IllegalArgumentException("Sender and Recipient IDs must be at most " + max
                        + " bytes for " + algorithm + " (RFC 8613 §3.3)");
            }
            if (senderId.equals(recipientId)) {
                throw new IllegalArgumentException("Sender ID and Recipient ID must differ (RFC 8613 §3.3)");
            }
            if (idContext != null && idContext.length() > 255) {
                throw new IllegalArgumentException("the ID Context must be at most 255 bytes (RFC 8613 §6.1)");
            }
            return new SecurityContext(this);
        }
    }
}

package dev.meshfed.stream.events;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Record;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import dev.meshfed.core.store.Attr;
import dev.meshfed.core.store.ItemKey;
import dev.meshfed.core.store.StoredItem;
import dev.meshfed.core.store.UndecodableItem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DynamoDB stream records in the Lambda events library's types: built from stored items the way
 * DynamoDB builds them for a table with {@code NEW_AND_OLD_IMAGES}, and decoded back into
 * {@link DecodedChange}s.
 *
 * <p>{@link #decode} is what every stream function calls on every record. Its contract: it
 * returns a fully checked change or throws {@link UndecodableItem} naming the item key (as far
 * as it can be read), and nothing else, whatever the record holds. An undecodable record is a
 * poison record: the caller quarantines it and acknowledges it (architecture.md, Stream
 * handling).
 */
public final class StreamRecords {
    /** The {@code eventVersion} DynamoDB writes. */
    public static final String EVENT_VERSION = "1.1";
    /** The {@code eventSource} of every DynamoDB stream record. */
    public static final String EVENT_SOURCE = "aws:dynamodb";
    /** The only stream view type meshfed's tables use. */
    public static final String VIEW_TYPE = StreamViewType.NEW_AND_OLD_IMAGES.toString();
    /** Longest sequence number accepted (DynamoDB's are 21 to 40 digits). */
    public static final int MAX_SEQUENCE_DIGITS = 40;

    private StreamRecords() {
    }

    // ---------------------------------------------------------------------------------------
    // building

    /** The event name of a change: INSERT without an old image, REMOVE without a new one, else MODIFY. */
    public static OperationType eventNameOf(StoredItem oldImage, StoredItem newImage) {
        if (oldImage == null && newImage == null) {
            throw new IllegalArgumentException("a change needs an old image, a new image or both");
        }
        return oldImage == null ? OperationType.INSERT : newImage == null ? OperationType.REMOVE : OperationType.MODIFY;
    }

    /**
     * The record DynamoDB would write for one change of one item.
     *
     * @param source the stream (region and ARN)
     * @param sequenceNumber decimal digits, increasing along the stream
     * @param oldImage the item before, or null for an insert
     * @param newImage the item after, or null for a removal
     * @param at when the change was committed; DynamoDB rounds it down to the second
     * @throws IllegalArgumentException when there is no image, the images have different keys or
     *     the sequence number is not decimal digits
     */
    public static DynamodbEvent.DynamodbStreamRecord record(StreamSource source, String sequenceNumber,
            StoredItem oldImage, StoredItem newImage, Instant at) {
        OperationType eventName = eventNameOf(oldImage, newImage);
        ItemKey key = newImage != null ? newImage.key() : oldImage.key();
        if (oldImage != null && newImage != null && !oldImage.key().equals(newImage.key())) {
            throw new IllegalArgumentException("old and new images of one change have different keys: "
                    + oldImage.key() + ", " + newImage.key());
        }
        if (!isSequenceNumber(sequenceNumber)) {
            throw new IllegalArgumentException("sequence number must be 1 to " + MAX_SEQUENCE_DIGITS + " decimal digits");
        }
        Map<String, Attr> keys = new LinkedHashMap<>();
        keys.put("pk", Attr.s(key.partition()));
        keys.put("sk", Attr.s(key.sort()));
        Map<String, Attr> oldAttrs = oldImage == null ? null : oldImage.toAttributes();
        Map<String, Attr> newAttrs = newImage == null ? null : newImage.toAttributes();

        StreamRecord body = new StreamRecord();
        body.setApproximateCreationDateTime(Date.from(at.truncatedTo(ChronoUnit.SECONDS)));
        body.setKeys(LambdaAttributes.toLambda(keys));
        if (newAttrs != null) {
            body.setNewImage(LambdaAttributes.toLambda(newAttrs));
        }
        if (oldAttrs != null) {
            body.setOldImage(LambdaAttributes.toLambda(oldAttrs));
        }
        body.setSequenceNumber(sequenceNumber);
        body.setSizeBytes(LambdaAttributes.sizeOf(keys)
                + (newAttrs == null ? 0 : LambdaAttributes.sizeOf(newAttrs))
                + (oldAttrs == null ? 0 : LambdaAttributes.sizeOf(oldAttrs)));
        body.setStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);

        DynamodbEvent.DynamodbStreamRecord r = new DynamodbEvent.DynamodbStreamRecord();
        r.setEventID(eventId(source, sequenceNumber));
        r.setEventName(eventName);
        r.setEventVersion(EVENT_VERSION);
        r.setEventSource(EVENT_SOURCE);
        r.setAwsRegion(source.region());
        r.setEventSourceARN(source.arn());
        r.setDynamodb(body);
        return r;
    }

    /**
     * A record's event ID: 32 hex digits, like DynamoDB's, derived from the stream and the
     * sequence number, so every record has its own and a re-delivered record keeps its ID.
     */
    public static String eventId(StreamSource source, String sequenceNumber) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((source.arn() + "|" + sequenceNumber).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A Lambda event holding {@code records}, as Lambda hands a batch to a function. */
    public static DynamodbEvent event(List<DynamodbEvent.DynamodbStreamRecord> records) {
        DynamodbEvent e = new DynamodbEvent();
        e.setRecords(new ArrayList<>(records));
        return e;
    }

    /** True for 1 to {@value #MAX_SEQUENCE_DIGITS} decimal digits. */
    public static boolean isSequenceNumber(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_SEQUENCE_DIGITS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Orders sequence numbers numerically, as AWS says to (they vary in length).
     *
     * @throws IllegalArgumentException when either is not a sequence number
     */
    public static int compareSequenceNumbers(String a, String b) {
        if (!isSequenceNumber(a) || !isSequenceNumber(b)) {
            throw new IllegalArgumentException("not a sequence number");
        }
        return new BigInteger(a).compareTo(new BigInteger(b));
    }

    // ---------------------------------------------------------------------------------------
    // decoding

    /**
     * Checks and decodes one record.
     *
     * <p>Refused, as {@link UndecodableItem} naming the key (or {@code "unknown"}): no record or
     * no {@code dynamodb} part; {@code Keys} missing, not exactly {@code pk} and {@code sk}
     * strings, or not an item key; an event name other than INSERT, MODIFY and REMOVE; a missing
     * or non-decimal sequence number; images missing or present against the event name (INSERT:
     * new only, MODIFY: both, REMOVE: old only), or whose keys disagree with {@code Keys};
     * anything in an image that {@link LambdaAttributes} or {@link StoredItem#fromAttributes}
     * refuses. An empty image map counts as absent.
     *
     * @throws UndecodableItem for every malformed record, and never anything else
     */
    public static DecodedChange decode(Record record) {
        String label = "unknown";
        try {
            if (record == null) {
                throw new UndecodableItem(label, "no record");
            }
            StreamRecord body = record.getDynamodb();
            if (body == null) {
                throw new UndecodableItem(label, "record has no dynamodb part");
            }
            Map<String, AttributeValue> newRaw = emptyToNull(body.getNewImage());
            Map<String, AttributeValue> oldRaw = emptyToNull(body.getOldImage());
            Map<String, AttributeValue> keys = body.getKeys();
            if (keys == null || keys.isEmpty()) {
                Map<String, AttributeValue> image = newRaw != null ? newRaw : oldRaw;
                if (image != null) {
                    label = LambdaAttributes.keyLabel(image.get("pk"), image.get("sk"));
                }
                throw new UndecodableItem(label, "record has no Keys");
            }
            label = LambdaAttributes.keyLabel(keys.get("pk"), keys.get("sk"));
            ItemKey key = keyOf(keys, label);

            OperationType eventName = eventName(record.getEventName(), label);
            String sequence = body.getSequenceNumber();
            if (!isSequenceNumber(sequence)) {
                throw new UndecodableItem(label, "missing or malformed SequenceNumber");
            }
            boolean wantOld = eventName != OperationType.INSERT;
            boolean wantNew = eventName != OperationType.REMOVE;
            if (wantNew != (newRaw != null) || wantOld != (oldRaw != null)) {
                String viewType = body.getStreamViewType();
                String hint = viewType != null && !VIEW_TYPE.equals(viewType)
                        ? " (stream view type " + LambdaAttributes.printable(viewType) + "; meshfed needs " + VIEW_TYPE + ")"
                        : "";
                throw new UndecodableItem(label, eventName + " record with "
                        + (newRaw != null ? "a" : "no") + " new image and " + (oldRaw != null ? "an" : "no") + " old image" + hint);
            }
            StoredItem oldImage = oldRaw == null ? null : image(oldRaw, key, label, "old");
            StoredItem newImage = newRaw == null ? null : image(newRaw, key, label, "new");
            return new DecodedChange(eventName, key, oldImage, newImage, sequence);
        } catch (UndecodableItem e) {
            throw e;
        } catch (RuntimeException e) {
            // a record shape nobody anticipated: still a poison record, never a crash
            throw new UndecodableItem(label, "malformed record (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ItemKey keyOf(Map<String, AttributeValue> keys, String label) {
        if (keys.size() != 2 || !keys.containsKey("pk") || !keys.containsKey("sk")) {
            throw new UndecodableItem(label, "Keys must be exactly pk and sk");
        }
        AttributeValue pk = keys.get("pk");
        AttributeValue sk = keys.get("sk");
        Attr p = LambdaAttributes.fromLambda(pk, label);
        Attr s = LambdaAttributes.fromLambda(sk, label);
        if (!(p instanceof Attr.S ps) || !(s instanceof Attr.S ss)) {
            throw new UndecodableItem(label, "Keys pk and sk must be strings");
        }
        ItemKey key = ItemKey.fromStored(ps.value(), ss.value());
        if (key == null) {
            throw new UndecodableItem(label, "Keys do not form an item key");
        }
        return key;
    }

    private static OperationType eventName(String name, String label) {
        if (name != null) {
            switch (name) {
                case "INSERT":
                    return OperationType.INSERT;
                case "MODIFY":
                    return OperationType.MODIFY;
                case "REMOVE":
                    return OperationType.REMOVE;
                default:
                    break;
            }
        }
        throw new UndecodableItem(label, "unknown eventName " + (name == null ? "(none)" : "'" + LambdaAttributes.printable(name) + "'"));
    }

    private static StoredItem image(Map<String, AttributeValue> raw, ItemKey key, String label, String which) {
        StoredItem item;
        try {
            item = StoredItem.fromAttributes(LambdaAttributes.fromLambda(raw, label));
        } catch (UndecodableItem e) {
            // StoredItem names a malformed pk/sk unbounded; this text is ours and bounded
            throw new UndecodableItem(label, which + " image: " + reasonOf(e));
        }
        if (!item.key().equals(key)) {
            throw new UndecodableItem(label, which + " image is of another item than Keys");
        }
        return item;
    }

    /** The reason part of an {@link UndecodableItem} message, without the key it repeats. */
    private static String reasonOf(UndecodableItem e) {
        String m = e.getMessage();
        String prefix = "undecodable item " + e.key() + ": ";
        String reason = m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
        return reason.length() > 200 ? reason.substring(0, 200) + "..." : reason;
    }

    private static Map<String, AttributeValue> emptyToNull(Map<String, AttributeValue> image) {
        return image == null || image.isEmpty() ? null : image;
    }
}

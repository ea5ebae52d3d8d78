package dev.meshfed.core.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PEM (RFC 7468) to check the shape of a supplied root and key and to hash the
 * certificate: blocks, their labels and their base64 bodies. Nothing here parses X.509 or keys;
 * that is the PKI module's work. Text between blocks is ignored, as Go's {@code pem.Decode} does.
 */
final class Pem {

    /** One PEM block: its label ({@code CERTIFICATE}, {@code EC PRIVATE KEY}, ...) and decoded body. */
    static final class Block {
        final String label;
        final byte[] der;

        Block(String label, byte[] der) {
            this.label = label;
            this.der = der;
        }
    }

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9]+(?: [A-Z0-9]+)*)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final Pattern WHITESPACE = Pattern.compile("[ \t\r\n]+");

    private Pem() {
    }

    /**
     * Every block of {@code text}, or empty if any block is malformed: an unterminated
     * {@code BEGIN}, headers such as {@code Proc-Type} (encrypted legacy keys), or a body that is
     * not strict base64.
     */
    static Optional<List<Block>> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        int end = 0;
        while (m.find()) {
            if (text.substring(end, m.start()).contains("-----BEGIN")) {
                return Optional.empty();
            }
            String body = WHITESPACE.matcher(m.group(2)).replaceAll("");
            if (body.isEmpty()) {
                return Optional.empty();
            }
            try {
                blocks.add(new Block(m.group(1), Base64.getDecoder().decode(body)));
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
            end = m.end();
        }
        if (text.substring(end).contains("-----BEGIN")) {
            return Optional.empty();
        }
        return Optional.of(blocks);
    }
}

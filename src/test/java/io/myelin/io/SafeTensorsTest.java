package io.myelin.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** The bytes {@link SafeTensors#write} puts in a file, through the content it commits with other files. */
    private static byte[] bytes(SafeTensorsFile content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            SafeTensors.content(content).writeTo(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SafeTensorsTest.class.getResource("/fixtures/" + name).toURI());
    }

    private static JsonNode expected(String name) throws IOException, URISyntaxException {
        return new ObjectMapper().readTree(fixture(name).toFile());
    }

    private static float[] values(JsonNode t) {
        JsonNode v = t.get("values");
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.get(i).doubleValue(); // the JSON holds float32 values exactly
        }
        return out;
    }

    private static int[] shape(JsonNode t) {
        JsonNode s = t.get("shape");
        int[] out = new int[s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.get(i).intValue();
        }
        return out;
    }

    @Test
    void roundTripKeepsShapesValuesAndMetadata() {
        NamedTensor w = new NamedTensor("dense_0.weight", new int[] {2, 3},
                new float[] {1.5f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -3e38f});
        NamedTensor b = new NamedTensor("dense_0.bias", new int[] {2}, new float[] {0.25f, -7f});
        NamedTensor scalar = new NamedTensor("step", new int[] {}, new float[] {42f});
        NamedTensor empty = new NamedTensor("empty", new int[] {0, 4}, new float[0]);
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.write(file, SafeTensorsFile.of(List.of(w, b, scalar, empty), Map.of("format", "pt", "epoch", "3")));

        SafeTensorsFile back = SafeTensors.read(file);
        assertEquals(Map.of("format", "pt", "epoch", "3"), back.metadata());
        assertEquals(4, back.tensors().size());
        for (NamedTensor t : List.of(w, b, scalar, empty)) {
            assertEquals(t, back.tensor(t.name()));
        }
        assertEquals(List.of("dense_0.bias", "dense_0.weight", "empty", "step"), new ArrayList<>(back.tensors().keySet()),
                "tensors come back in data-offset order, which the writer sorts by name");
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytes() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, SafeTensorsFile.of(List.of(new NamedTensor("a", new int[] {1}, new float[] {1f})), Map.of()));
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", header.stripTrailing());
        assertTrue(header.endsWith(" "), "this header is 53 bytes, so 3 spaces of padding: '" + header + "'");
        assertEquals(8 + n + 4, bytes.length);
    }

    @Test
    void readsTheTorchFixtureInEveryDtype() throws Exception {
        JsonNode expected = expected("torch_mixed.json");
        SafeTensorsFile file = SafeTensors.read(fixture("torch_mixed.safetensors"));
        assertEquals("pt", file.metadata().get("format"));
        assertEquals(expected.get("tensors").size(), file.tensors().size());
        List<String> dtypesSeen = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.get("tensors").properties()) {
            NamedTensor t = file.tensor(e.getKey());
            assertArrayEquals(shape(e.getValue()), t.shape(), e.getKey());
            assertArrayEquals(values(e.getValue()), t.data(), e.getKey());
            dtypesSeen.add(e.getValue().get("dtype").textValue());
        }
        assertEquals(List.of("BF16", "F16", "F32", "F64", "I32", "I64"), dtypesSeen.stream().sorted().toList());
    }

    @Test
    void writesTheSameBytesAsTheReferenceLayoutOfTheTorchFixture() throws Exception {
        JsonNode expected = expected("torch_f32.json");
        List<NamedTensor> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expected.get("tensors").properties()) {
            tensors.add(new NamedTensor(e.getKey(), shape(e.getValue()), values(e.getValue())));
        }
        java.util.Collections.reverse(tensors); // insertion order must not matter
        SafeTensorsFile content = SafeTensorsFile.of(tensors, Map.of("format", "pt"));
        byte[] reference = Files.readAllBytes(fixture("torch_f32.safetensors"));

        assertArrayEquals(reference, bytes(content));
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.write(file, content);
        assertArrayEquals(reference, Files.readAllBytes(file));
    }

    @Test
    void metadataOrderDoesNotChangeTheBytes() {
        NamedTensor t = new NamedTensor("w", new int[] {2}, new float[] {1, 2});
        Map<String, String> ab = new java.util.LinkedHashMap<>();
        ab.put("format", "pt");
        ab.put("epoch", "3");
        Map<String, String> ba = new java.util.LinkedHashMap<>();
        ba.put("epoch", "3");
        ba.put("format", "pt");
        assertArrayEquals(bytes(SafeTensorsFile.of(List.of(t), ab)),
                bytes(SafeTensorsFile.of(List.of(t), ba)));
    }

    // ------------------------------------------------------------ corrupt files

    /** 8-byte length, header, then {@code dataBytes} bytes of data. */
    private Path craft(String name, String header, int dataBytes) throws IOException {
        return craftRaw(name, header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private Path craftRaw(String name, long declaredLength, String header, int dataBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
        out.write(header.getBytes(StandardCharsets.UTF_8));
        out.write(new byte[dataBytes]);
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static String readError(Path file) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains(file.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
        }
    }

    @Test
    void fileShorterThanTheLengthPrefixIsTruncated() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {16, 0, 0});
        assertContains(readError(file), "is truncated", "3 bytes");
    }

    @Test
    void missingTensorDataIsTruncated() throws IOException {
        Path file = craft("cut.safetensors",
                "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}", 10);
        assertContains(readError(file), "is truncated", "24 bytes", "only 10", "dense_0.weight");
    }

    @Test
    void headerLengthLargerThanTheFile() throws IOException {
        Path file = craftRaw("long.safetensors", 1000, "{}", 0);
        assertContains(readError(file), "header length 1000", "larger than the file (10 bytes)");
        Path huge = craftRaw("huge.safetensors", -1, "{}", 0);
        assertContains(readError(huge), "header length 18446744073709551615");
    }

    @Test
    void offsetsOutOfRange() throws IOException {
        Path file = craft("range.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8);
        assertContains(readError(file), "tensor w", "out of range", "[8,4]");
        Path negative = craft("neg.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4);
        assertContains(readError(negative), "tensor w", "invalid \"data_offsets\"");
    }

    @Test
    void overlappingTensors() throws IOException {
        Path file = craft("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24);
        assertContains(readError(file), "overlapping", "a [0, 16]", "b [8, 24]");
    }

    @Test
    void gapsAndTrailingBytesAreRefusedLikeTheReference() throws IOException {
        Path gap = craft("gap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertContains(readError(gap), "tensor a", "starts at byte 4");
        Path trailing = craft("tail.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 9);
        assertContains(readError(trailing), "5 bytes after the last tensor");
    }

    @Test
    void unknownDtype() throws IOException {
        Path file = craft("dtype.safetensors", "{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1);
        assertContains(readError(file), "tensor w", "dtype 'Q4'", "F32");
    }

    @Test
    void shapeAndOffsetsDisagree() throws IOException {
        Path file = craft("size.safetensors",
                "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20);
        assertContains(readError(file), "tensor dense_0.weight", "[2, 3]", "24 bytes", "span 20 bytes");
    }

    @Test
    void malformedHeaders() throws IOException {
        assertContains(readError(craft("json.safetensors", "{\"w\": [", 0)), "not valid JSON");
        assertContains(readError(craft("array.safetensors", "[1, 2]  ", 0)), "not a JSON object");
        assertContains(readError(craft("dup.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4)), "Duplicate", "w");
        assertContains(readError(craft("meta.safetensors", "{\"__metadata__\":{\"epoch\":3}}", 0)), "epoch", "not a string");
        assertContains(readError(craft("shape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4)),
                "tensor w", "invalid shape");
        assertContains(readError(craft("noshape.safetensors", "{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4)),
                "tensor w", "no \"shape\"");
    }

    @Test
    void missingFileIsNamed() {
        assertContains(readError(dir.resolve("nope.safetensors")), "does not exist");
    }

    @Test
    void halfPrecisionConversionCoversEveryClass() {
        assertEquals(1f, SafeTensorsDtype.halfToFloat((short) 0x3c00));
        assertEquals(-2f, SafeTensorsDtype.halfToFloat((short) 0xc000));
        assertEquals(65504f, SafeTensorsDtype.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, SafeTensorsDtype.halfToFloat((short) 0x0001));
        assertEquals(0x1p-14f, SafeTensorsDtype.halfToFloat((short) 0x0400));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(SafeTensorsDtype.halfToFloat((short) 0x8000)));
        assertEquals(Float.NEGATIVE_INFINITY, SafeTensorsDtype.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(SafeTensorsDtype.halfToFloat((short) 0x7e00)));
        assertEquals(Arrays.toString(new float[] {0.333251953125f}),
                Arrays.toString(new float[] {SafeTensorsDtype.halfToFloat((short) 0x3555)}));
    }
}

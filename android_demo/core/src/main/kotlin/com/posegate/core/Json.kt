package com.posegate.core

/**
 * A small JSON parser, enough for the metadata `posegate export` writes and for
 * the golden test files. Plain Kotlin (no org.json, which is Android-only), so the
 * same code runs on the device and in JVM unit tests.
 *
 * Values map to: object -> `Map<String, Any?>` (insertion order kept),
 * array -> `List<Any?>`, number -> `Double`, string -> `String`,
 * true/false -> `Boolean`, null -> `null`. `NaN`, `Infinity` and `-Infinity`
 * (which Python's `json.dump` writes for non-finite floats) are accepted.
 */
object Json {

    /** Parses one JSON value; throws [JsonException] on malformed text. */
    fun parse(text: String): Any? {
        val reader = Reader(text)
        reader.skipWhitespace()
        val value = reader.readValue()
        reader.skipWhitespace()
        if (!reader.atEnd()) throw reader.error("unexpected trailing content")
        return value
    }

    /** Parses text that must be a JSON object. */
    fun parseObject(text: String): Map<String, Any?> {
        val value = parse(text)
        @Suppress("UNCHECKED_CAST")
        return value as? Map<String, Any?> ?: throw JsonException("expected a JSON object at the top level")
    }

    private class Reader(private val s: String) {
        private var pos = 0

        fun atEnd(): Boolean = pos >= s.length

        fun error(message: String): JsonException {
            var line = 1
            var col = 1
            for (i in 0 until minOf(pos, s.length)) {
                if (s[i] == '\n') { line++; col = 1 } else col++
            }
            return JsonException("$message at line $line, column $col")
        }

        fun skipWhitespace() {
            while (pos < s.length) {
                val c = s[pos]
                if (c == ' ' || c == '\n' || c == '\r' || c == '\t') pos++ else return
            }
        }

        fun readValue(): Any? {
            if (atEnd()) throw error("unexpected end of input")
            val c = s[pos]
            return when {
                c == '{' -> readObject()
                c == '[' -> readArray()
                c == '"' -> readString()
                c == '-' || c == 'I' || c == 'N' || (c in '0'..'9') -> readNumber()
                s.startsWith("true", pos) -> { pos += 4; true }
                s.startsWith("false", pos) -> { pos += 5; false }
                s.startsWith("null", pos) -> { pos += 4; null }
                else -> throw error("unexpected character '$c'")
            }
        }

        private fun readObject(): Map<String, Any?> {
            val map = LinkedHashMap<String, Any?>()
            pos++ // {
            skipWhitespace()
            if (peek() == '}') { pos++; return map }
            while (true) {
                skipWhitespace()
                if (peek() != '"') throw error("expected a string key")
                val key = readString()
                skipWhitespace()
                expect(':')
                skipWhitespace()
                map[key] = readValue()
                skipWhitespace()
                when (peek()) {
                    ',' -> pos++
                    '}' -> { pos++; return map }
                    else -> throw error("expected ',' or '}' in object")
                }
            }
        }

        private fun readArray(): List<Any?> {
            val list = ArrayList<Any?>()
            pos++ // [
            skipWhitespace()
            if (peek() == ']') { pos++; return list }
            while (true) {
                skipWhitespace()
                list.add(readValue())
                skipWhitespace()
                when (peek()) {
                    ',' -> pos++
                    ']' -> { pos++; return list }
                    else -> throw error("expected ',' or ']' in array")
                }
            }
        }

        private fun readString(): String {
            expect('"')
            val sb = StringBuilder()
            while (true) {
                if (atEnd()) throw error("unterminated string")
                val c = s[pos++]
                when (c) {
                    '"' -> return sb.toString()
                    '\\' -> {
                        if (atEnd()) throw error("unterminated escape")
                        val e = s[pos++]
                        when (e) {
                            '"' -> sb.append('"')
                            '\\' -> sb.append('\\')
                            '/' -> sb.append('/')
                            'b' -> sb.append('\b')
                            'f' -> sb.append('\u000C')
                            'n' -> sb.append('\n')
                            'r' -> sb.append('\r')
                            't' -> sb.append('\t')
                            'u' -> {
                                if (pos + 4 > s.length) throw error("bad unicode escape")
                                val hex = s.substring(pos, pos + 4)
                                val code = try {
                                    Integer.parseInt(hex, 16)
                                } catch (ex: NumberFormatException) {
                                    throw error("bad unicode escape '\\u$hex'")
                                }
                                sb.append(code.toChar())
                                pos += 4
                            }
                            else -> throw error("bad escape '\\$e'")
                        }
                    }
                    else -> {
                        if (c < ' ') throw error("control character in string")
                        sb.append(c)
                    }
                }
            }
        }

        private fun readNumber(): Double {
            val start = pos
            for (word in arrayOf("NaN", "Infinity", "-Infinity")) {
                if (s.startsWith(word, pos)) {
                    pos += word.length
                    return word.toDouble()
                }
            }
            if (peek() == '-') pos++
            while (pos < s.length) {
                val c = s[pos]
                if ((c in '0'..'9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') pos++ else break
            }
            val token = s.substring(start, pos)
            if (token == "-" || token.length == 0) throw error("bad number")
            return try {
                token.toDouble()
            } catch (ex: NumberFormatException) {
                throw error("bad number '$token'")
            }
        }

        private fun peek(): Char = if (atEnd()) throw error("unexpected end of input") else s[pos]

        private fun expect(c: Char) {
            if (peek() != c) throw error("expected '$c'")
            pos++
        }
    }
}

class JsonException(message: String) : RuntimeException(message)

// -- typed access helpers, used by the metadata parser and the tests ------------

/** Typed views on parsed JSON with error messages that name the key path. */
object JsonAccess {
    @Suppress("UNCHECKED_CAST")
    fun obj(parent: Map<String, Any?>, key: String, path: String = key): Map<String, Any?> =
        parent[key] as? Map<String, Any?> ?: throw JsonException("'$path' must be an object")

    @Suppress("UNCHECKED_CAST")
    fun objOrNull(parent: Map<String, Any?>, key: String, path: String = key): Map<String, Any?>? {
        val v = parent[key] ?: return null
        return v as? Map<String, Any?> ?: throw JsonException("'$path' must be an object or null")
    }

    fun list(parent: Map<String, Any?>, key: String, path: String = key): List<Any?> =
        parent[key] as? List<Any?> ?: throw JsonException("'$path' must be an array")

    fun string(parent: Map<String, Any?>, key: String, path: String = key): String =
        parent[key] as? String ?: throw JsonException("'$path' must be a string")

    fun stringOr(parent: Map<String, Any?>, key: String, default: String): String =
        parent[key] as? String ?: default

    fun double(parent: Map<String, Any?>, key: String, path: String = key): Double =
        parent[key] as? Double ?: throw JsonException("'$path' must be a number")

    fun int(parent: Map<String, Any?>, key: String, path: String = key): Int =
        toInt(parent[key], path)

    fun intOr(parent: Map<String, Any?>, key: String, default: Int, path: String = key): Int =
        if (parent[key] == null) default else toInt(parent[key], path)

    fun toInt(value: Any?, path: String): Int {
        val d = value as? Double ?: throw JsonException("'$path' must be an integer")
        val i = d.toInt()
        if (i.toDouble() != d) throw JsonException("'$path' must be an integer, got $d")
        return i
    }

    fun doubles(value: Any?, path: String): DoubleArray {
        val l = value as? List<*> ?: throw JsonException("'$path' must be an array of numbers")
        return DoubleArray(l.size) { i -> l[i] as? Double ?: throw JsonException("'$path[$i]' must be a number") }
    }

    fun ints(value: Any?, path: String): IntArray {
        val l = value as? List<*> ?: throw JsonException("'$path' must be an array of integers")
        return IntArray(l.size) { i -> toInt(l[i], "$path[$i]") }
    }

    fun strings(value: Any?, path: String): List<String> {
        val l = value as? List<*> ?: throw JsonException("'$path' must be an array of strings")
        return l.mapIndexed { i, v -> v as? String ?: throw JsonException("'$path[$i]' must be a string") }
    }

    /** An array of integer arrays (pairs, triples), e.g. the skeleton. */
    fun intRows(value: Any?, path: String, width: Int): List<IntArray> {
        val l = value as? List<*> ?: throw JsonException("'$path' must be an array")
        return l.mapIndexed { i, row ->
            val r = ints(row, "$path[$i]")
            if (r.size != width) throw JsonException("'$path[$i]' must have $width entries, got ${r.size}")
            r
        }
    }
}

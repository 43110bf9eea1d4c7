/* textsieve._speedups: the hottest loops, in C. Four are DUP's, which numpy can
 * only do with a call per group or a temporary per step: shingle and passage
 * hashes, MinHash minima and passage outputs (rules/duplicates_sketch.py) and the
 * pairs of one LSH band (rules/duplicates_match.py); the fifth is the sentence scan
 * every rule uses (linter/sentences.py); the sixth reads CMUdict's text into a table
 * (rules/readability.py). Optional: those modules compute the same values with numpy
 * or Python when this module is not built, and tests/test_speedups.py holds the two
 * equal.
 *
 * Only the buffer protocol is used (no numpy C API), so building needs nothing but
 * a C compiler and Python's headers; the GIL is released while the loops run.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* Compile the hot loops for x86-64-v3 (AVX2, POPCNT) as well as the baseline, chosen
 * at load time (gcc's function multi-versioning); the arithmetic, and so the result,
 * is the same. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define HOT
#endif

static inline uint32_t fmix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    return x ^ (x >> 16);
}

static inline uint64_t fmix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    return x ^ (x >> 33);
}

HOT static void minhash_loop(const uint32_t *shingles, Py_ssize_t n_shingles,
                             const int64_t *starts, Py_ssize_t n_groups,
                             const uint32_t *a, const uint32_t *b, Py_ssize_t num_perm,
                             uint32_t *out)
{
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        uint32_t *row = out + g * num_perm;
        Py_ssize_t end = g + 1 < n_groups ? (Py_ssize_t)starts[g + 1] : n_shingles;
        for (Py_ssize_t k = 0; k < num_perm; k++)
            row[k] = UINT32_MAX;
        for (Py_ssize_t s = (Py_ssize_t)starts[g]; s < end; s++) {
            uint32_t m = fmix32(shingles[s]);
            for (Py_ssize_t k = 0; k < num_perm; k++) {
                uint32_t v = a[k] * m + b[k];
                row[k] = v < row[k] ? v : row[k];
            }
        }
    }
}

static int check(Py_buffer *view, Py_ssize_t itemsize, Py_ssize_t items, const char *name)
{
    if (view->len != itemsize * items) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd bytes, got %zd", name,
                     itemsize * items, view->len);
        return -1;
    }
    return 0;
}

/* Passages are non-empty runs of sentences: first[p] < last[p] <= n_sent. */
static int check_passages(const int64_t *first, const int64_t *last, Py_ssize_t n,
                          Py_ssize_t n_sent)
{
    for (Py_ssize_t p = 0; p < n; p++) {
        if (first[p] < 0 || first[p] >= last[p] || last[p] > n_sent) {
            PyErr_SetString(PyExc_ValueError, "first/last: passages must be non-empty sentence ranges");
            return -1;
        }
    }
    return 0;
}

PyDoc_STRVAR(minhash_doc,
"minhash(shingles, starts, a, b, out)\n\n"
"MinHash of each group of consecutive shingle hashes (uint32; group g is\n"
"shingles[starts[g]:starts[g+1]], each non-empty, int64 starts): for every\n"
"permutation k the minimum of a[k] * fmix32(h) + b[k] modulo 2**32, written to out\n"
"(uint32, groups x permutations).");

static PyObject *minhash(PyObject *self, PyObject *args)
{
    Py_buffer sh, st, a, b, out;
    if (!PyArg_ParseTuple(args, "y*y*y*y*w*", &sh, &st, &a, &b, &out))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n_shingles = sh.len / 4, n_groups = st.len / 8, num_perm = a.len / 4;
    if (check(&b, 4, num_perm, "b") < 0 || check(&out, 4, n_groups * num_perm, "out") < 0)
        goto done;
    const int64_t *starts = st.buf;
    for (Py_ssize_t g = 0; g < n_groups; g++) {
        Py_ssize_t end = g + 1 < n_groups ? (Py_ssize_t)starts[g + 1] : n_shingles;
        if (starts[g] < 0 || starts[g] >= end || end > n_shingles) {
            PyErr_SetString(PyExc_ValueError, "starts: groups must be non-empty and in order");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    minhash_loop(sh.buf, n_shingles, starts, n_groups, a.buf, b.buf, num_perm, out.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&sh);
    PyBuffer_Release(&st);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    return result;
}

HOT static void passages_loop(const uint32_t *sigs, Py_ssize_t num_perm,
                              const int64_t *first, const int64_t *last, Py_ssize_t n,
                              Py_ssize_t bands, Py_ssize_t rows, uint32_t *w,
                              uint32_t *keys, uint8_t *bits)
{
    Py_ssize_t width = (num_perm * 2 + 7) / 8;
    for (Py_ssize_t p = 0; p < n; p++) {
        /* The window's signature: the element-wise minimum of its sentences'. */
        memcpy(w, sigs + first[p] * num_perm, (size_t)num_perm * 4);
        for (int64_t s = first[p] + 1; s < last[p]; s++) {
            const uint32_t *row = sigs + s * num_perm;
            for (Py_ssize_t k = 0; k < num_perm; k++)
                w[k] = row[k] < w[k] ? row[k] : w[k];
        }
        for (Py_ssize_t j = 0; j < bands; j++) {
            uint64_t key = 0;
            for (Py_ssize_t r = 0; r < rows; r++)
                key = (key ^ (uint64_t)w[j * rows + r]) * 0x9FB21C651E98DF25ull;
            keys[p * bands + j] = (uint32_t)(fmix64(key) >> 32);
        }
        uint8_t *out = bits + p * width;
        memset(out, 0, (size_t)width);
        for (Py_ssize_t k = 0; k < num_perm; k++)
            out[k >> 2] |= (uint8_t)((w[k] & 3u) << (2 * (k & 3)));
    }
}

PyDoc_STRVAR(passages_doc,
"passages(sigs, num_perm, first, last, bands, rows, out_bands, out_bits)\n\n"
"For each passage (sentences first[p]..last[p] of sigs, int64), the signature of the\n"
"window (element-wise minimum of its sentences' rows), then its LSH band keys (uint32,\n"
"passages x bands) and its 2-bit estimators (uint8, four values a byte, passages x\n"
"ceil(num_perm / 4)), as duplicates_sketch.band_keys and pack_bits compute them.");

static PyObject *passages(PyObject *self, PyObject *args)
{
    Py_buffer sg, fi, la, ob, obits;
    Py_ssize_t num_perm, bands, rows;
    if (!PyArg_ParseTuple(args, "y*ny*y*nnw*w*", &sg, &num_perm, &fi, &la, &bands, &rows,
                          &ob, &obits))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = fi.len / 8, width = (num_perm * 2 + 7) / 8;
    uint32_t *window = NULL;
    if (num_perm <= 0 || bands < 0 || rows < 0 || bands * rows > num_perm) {
        PyErr_SetString(PyExc_ValueError, "bands x rows must fit in num_perm");
        goto done;
    }
    Py_ssize_t n_sent = sg.len / 4 / num_perm;
    if (check(&sg, 4, n_sent * num_perm, "sigs") < 0 || check(&la, 8, n, "last") < 0
        || check(&ob, 4, n * bands, "out_bands") < 0 || check(&obits, 1, n * width, "out_bits") < 0)
        goto done;
    const int64_t *first = fi.buf, *last = la.buf;
    if (check_passages(first, last, n, n_sent) < 0)
        goto done;
    window = PyMem_RawMalloc((size_t)num_perm * 4);
    if (!window) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    passages_loop(sg.buf, num_perm, first, last, n, bands, rows, window, ob.buf, obits.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyMem_RawFree(window);
    PyBuffer_Release(&sg);
    PyBuffer_Release(&fi);
    PyBuffer_Release(&la);
    PyBuffer_Release(&ob);
    PyBuffer_Release(&obits);
    return result;
}

/* Pair keys a * n + b grow in a buffer of their own (the GIL is not held). */
typedef struct {
    int64_t *keys;
    Py_ssize_t len, cap;
} KeyBuffer;

static int push_key(KeyBuffer *out, int64_t key)
{
    if (out->len == out->cap) {
        Py_ssize_t cap = out->cap ? 2 * out->cap : 4096;
        int64_t *grown = PyMem_RawRealloc(out->keys, (size_t)cap * 8);
        if (!grown)
            return -1;
        out->keys = grown;
        out->cap = cap;
    }
    out->keys[out->len++] = key;
    return 0;
}

/* What a pair test reads of a passage, in one 16-byte record (four separate arrays
 * cost four cache misses a member; this loop is bound by memory traffic). */
typedef struct {
    int32_t segment, first, last, doc;
} Passage;

typedef struct {
    const uint64_t *packed;  /* sorted: band key << 32 | passage number */
    Py_ssize_t m;
    const Passage *passages;
    const uint64_t *words;   /* 2-bit estimators, W words a passage */
    Py_ssize_t w, n;
    int64_t padding, need, scope, anchors;
} Band;

#define MEMBER(band, k) ((int64_t)((band)->packed[k] & 0xFFFFFFFFull))

HOT static int band_pairs_loop(const Band *band, KeyBuffer *out, int64_t *collisions)
{
    const uint64_t low = 0x5555555555555555ull;
    const Passage *ps = band->passages;
    Py_ssize_t i = 0;
    while (i < band->m) {
        uint64_t key = band->packed[i] >> 32;
        Py_ssize_t j = i + 1;
        while (j < band->m && (band->packed[j] >> 32) == key)
            j++;
        Py_ssize_t len = j - i;
        if (len < 2) {
            i = j;
            continue;
        }
        /* A run inside one segment whose passages all share a sentence: no pair. */
        if (ps[MEMBER(band, i)].segment == ps[MEMBER(band, j - 1)].segment) {
            int32_t max_first = INT32_MIN, min_last = INT32_MAX;
            for (Py_ssize_t k = i; k < j; k++) {
                const Passage *p = ps + MEMBER(band, k);
                max_first = p->first > max_first ? p->first : max_first;
                min_last = p->last < min_last ? p->last : min_last;
            }
            if (max_first < min_last) {
                i = j;
                continue;
            }
        }
        Py_ssize_t openers = len < band->anchors ? len : (Py_ssize_t)band->anchors;
        for (Py_ssize_t x = 0; x < openers; x++) {
            int64_t a = MEMBER(band, i + x);
            const Passage *pa = ps + a;
            const uint64_t *wa = band->words + a * band->w;
            for (Py_ssize_t y = x + 1; y < len; y++) {
                int64_t b = MEMBER(band, i + y);
                const Passage *pb = ps + b;
                (*collisions)++;
                int same_doc = pa->doc == pb->doc;
                if (same_doc && pa->first < pb->last && pb->first < pa->last)
                    continue;
                if ((band->scope == 1 && same_doc) || (band->scope == 2 && !same_doc))
                    continue;
                const uint64_t *wb = band->words + b * band->w;
                int64_t differ = 0;
                for (Py_ssize_t k = 0; k < band->w; k++) {
                    uint64_t d = wa[k] ^ wb[k];
                    differ += __builtin_popcountll((d | (d >> 1)) & low);
                }
                if (32 * band->w - band->padding - differ >= band->need
                    && push_key(out, a * band->n + b) < 0)
                    return -1;
            }
        }
        i = j;
    }
    return 0;
}

PyDoc_STRVAR(band_pairs_doc,
"band_pairs(packed, passages, words, padding, need, scope, anchors)\n\n"
"The candidate pairs of one LSH band, as duplicates_match.lsh_candidates makes them\n"
"with numpy: runs of equal keys in ``packed`` (sorted uint64, key << 32 | passage\n"
"number), skipping a run of one segment whose passages all share a sentence; each\n"
"of a run's first ``anchors`` members paired with every later one; pairs of\n"
"overlapping passages of one document, or outside ``scope`` (0 both, 1 cross-file,\n"
"2 within-file), dropped, and those whose 2-bit estimators (``words``, uint64,\n"
"passages x W) agree on fewer than ``need`` values. ``passages`` is int32, one row\n"
"(segment, first, last, document) a passage. Returns (pairs made, int64 keys\n"
"a * n + b as bytes).");

static PyObject *band_pairs(PyObject *self, PyObject *args)
{
    Py_buffer pk, pa, wd;
    Band band;
    if (!PyArg_ParseTuple(args, "y*y*y*LLLL", &pk, &pa, &wd, &band.padding, &band.need,
                          &band.scope, &band.anchors))
        return NULL;
    PyObject *result = NULL;
    KeyBuffer out = {NULL, 0, 0};
    int64_t collisions = 0;
    band.n = pa.len / (Py_ssize_t)sizeof(Passage);
    band.m = pk.len / 8;
    band.w = band.n ? wd.len / 8 / band.n : 0;
    if (check(&pa, sizeof(Passage), band.n, "passages") < 0
        || check(&wd, 8, band.n * band.w, "words") < 0 || check(&pk, 8, band.m, "packed") < 0)
        goto done;
    band.packed = pk.buf;
    band.passages = pa.buf;
    band.words = wd.buf;
    for (Py_ssize_t k = 0; k < band.m; k++) {
        if (MEMBER(&band, k) >= band.n) {
            PyErr_SetString(PyExc_ValueError, "packed: passage numbers must index passages");
            goto done;
        }
    }
    int failed;
    Py_BEGIN_ALLOW_THREADS
    failed = band_pairs_loop(&band, &out, &collisions);
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_NoMemory();
        goto done;
    }
    PyObject *keys = PyBytes_FromStringAndSize((const char *)out.keys, out.len * 8);
    if (keys)
        result = Py_BuildValue("LN", (long long)collisions, keys);
done:
    PyMem_RawFree(out.keys);
    PyBuffer_Release(&pk);
    PyBuffer_Release(&pa);
    PyBuffer_Release(&wd);
    return result;
}

/* -- sentence boundaries (linter/sentences.py) ------------------------------------ */
/* sentences.SENTENCE_TERMINALS beyond ASCII (Unicode 17.0's Sentence_Terminal and
 * U+2026), sorted; sentence_tables() returns them for tests/test_speedups.py. */
static const Py_UCS4 TERMINALS[] = {
    0x589, 0x61D, 0x61E, 0x61F, 0x6D4, 0x700, 0x701, 0x702, 0x7F9, 0x837, 0x839, 0x83D,
    0x83E, 0x964, 0x965, 0x104A, 0x104B, 0x1362, 0x1367, 0x1368, 0x166E, 0x1735, 0x1736,
    0x17D4, 0x17D5, 0x1803, 0x1809, 0x1944, 0x1945, 0x1AA8, 0x1AA9, 0x1AAA, 0x1AAB,
    0x1B4E, 0x1B4F, 0x1B5A, 0x1B5B, 0x1B5E, 0x1B5F, 0x1B7D, 0x1B7E, 0x1B7F, 0x1C3B,
    0x1C3C, 0x1C7E, 0x1C7F, 0x2024, 0x2026, 0x203C, 0x203D, 0x2047, 0x2048, 0x2049,
    0x2CF9, 0x2CFA, 0x2CFB, 0x2E2E, 0x2E3C, 0x2E53, 0x2E54, 0x2E60, 0x2E61, 0x3002,
    0xA4FF, 0xA60E, 0xA60F, 0xA6F3, 0xA6F7, 0xA876, 0xA877, 0xA8CE, 0xA8CF, 0xA92F,
    0xA9C8, 0xA9C9, 0xAA5D, 0xAA5E, 0xAA5F, 0xAAF0, 0xAAF1, 0xABEB, 0xFE12, 0xFE15,
    0xFE16, 0xFE52, 0xFE56, 0xFE57, 0xFF01, 0xFF0E, 0xFF1F, 0xFF61, 0x10A56, 0x10A57,
    0x10F55, 0x10F56, 0x10F57, 0x10F58, 0x10F59, 0x10F86, 0x10F87, 0x10F88, 0x10F89,
    0x11047, 0x11048, 0x110BE, 0x110BF, 0x110C0, 0x110C1, 0x11141, 0x11142, 0x11143,
    0x111C5, 0x111C6, 0x111CD, 0x111DE, 0x111DF, 0x11238, 0x11239, 0x1123B, 0x1123C,
    0x112A9, 0x113D4, 0x113D5, 0x1144B, 0x1144C, 0x115C2, 0x115C3, 0x115C9, 0x115CA,
    0x115CB, 0x115CC, 0x115CD, 0x115CE, 0x115CF, 0x115D0, 0x115D1, 0x115D2, 0x115D3,
    0x115D4, 0x115D5, 0x115D6, 0x115D7, 0x11641, 0x11642, 0x1173C, 0x1173D, 0x1173E,
    0x11944, 0x11946, 0x11A42, 0x11A43, 0x11A9B, 0x11A9C, 0x11C41, 0x11C42, 0x11EF7,
    0x11EF8, 0x11F43, 0x11F44, 0x16A6E, 0x16A6F, 0x16AF5, 0x16B37, 0x16B38, 0x16B44,
    0x16D6E, 0x16D6F, 0x16E98, 0x1BC9F, 0x1DA88,
};

#define COUNT(table) ((Py_ssize_t)(sizeof table / sizeof table[0]))

static int is_mark(Py_UCS4 c)
{
    if (c < 0x80)
        return c == '.' || c == '!' || c == '?';
    Py_ssize_t lo = 0, hi = COUNT(TERMINALS);
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (TERMINALS[mid] < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < COUNT(TERMINALS) && TERMINALS[lo] == c;
}

/* sentences.WIDE_TERMINALS and WIDE_FULL_STOPS */
static const Py_UCS4 WIDE[] = {
    0x3002, 0xFE12, 0xFE15, 0xFE16, 0xFE52, 0xFE56, 0xFE57, 0xFF01, 0xFF0E, 0xFF1F,
    0xFF61,
};
static const Py_UCS4 WIDE_FULL_STOPS[] = {0xFE52, 0xFF0E};
/* sentences.CLOSERS */
static const Py_UCS4 CLOSERS[] = {
    '"', '\'', 0x201D, 0x2019, 0xBB, 0x203A, ')', ']', 0x300D, 0x300F, 0xFF09, 0xFF3D,
    0xFF5D, 0x3011, 0x3015, 0x3017, 0x3019, 0x301B, 0x3009, 0x300B, 0xFF63, 0x301E,
    0x301F, 0xFF02, 0xFF07,
};
/* sentences.OPENERS */
static const Py_UCS4 OPENERS[] = {
    '"', '\'', 0x201C, 0x2018, 0x201E, 0x201A, 0xAB, 0x2039, '(', '[', 0x300C, 0x300E,
    0xFF08, 0xFF3B, 0xFF5B, 0x3010, 0x3014, 0x3016, 0x3018, 0x301A, 0x3008, 0x300A,
    0xFF62, 0x301D, 0xFF02, 0xFF07,
};

static int among(Py_UCS4 c, const Py_UCS4 *table, Py_ssize_t n)
{
    for (Py_ssize_t k = 0; k < n; k++)
        if (table[k] == c)
            return 1;
    return 0;
}

static int is_wide(Py_UCS4 c) { return c >= 0x3000 && among(c, WIDE, COUNT(WIDE)); }
static int is_wide_full_stop(Py_UCS4 c) { return among(c, WIDE_FULL_STOPS, COUNT(WIDE_FULL_STOPS)); }
static int is_closer(Py_UCS4 c) { return among(c, CLOSERS, COUNT(CLOSERS)); }
static int is_opening_quote(Py_UCS4 c) { return among(c, OPENERS, COUNT(OPENERS)); }

/* sentences.can_open: a digit, # * _, or a letter that is not lower case (a capital,
 * or a letter of a script without case). */
static int can_open(Py_UCS4 c)
{
    return Py_UNICODE_ISDECIMAL(c) || c == '#' || c == '*' || c == '_'
        || (Py_UNICODE_ISALPHA(c) && !Py_UNICODE_ISLOWER(c));
}

/* sentences.caseless: a letter of a script without case. */
static int caseless(Py_UCS4 c)
{
    return Py_UNICODE_ISALPHA(c) && !Py_UNICODE_ISLOWER(c) && !Py_UNICODE_ISUPPER(c)
        && !Py_UNICODE_ISTITLE(c);
}

/* sentences._LOWER_CAMEL at k: [a-z]+[A-Z] (gRPC, iOS). */
static int lower_camel(int kind, const void *data, Py_ssize_t k, Py_ssize_t n)
{
    Py_ssize_t j = k;
    while (j < n && PyUnicode_READ(kind, data, j) >= 'a' && PyUnicode_READ(kind, data, j) <= 'z')
        j++;
    return j > k && j < n && PyUnicode_READ(kind, data, j) >= 'A' && PyUnicode_READ(kind, data, j) <= 'Z';
}

/* sentences._after_long_word: the period at dot follows a lower-case ASCII word of five
 * letters or more, not after a letter, digit or dot, that is not an abbreviation.
 * Returns 1, 0, or -1 on error. */
static int after_long_word(int kind, const void *data, Py_ssize_t dot, PyObject *abbreviations)
{
    Py_ssize_t q = dot;
    while (q > 0 && PyUnicode_READ(kind, data, q - 1) >= 'a' && PyUnicode_READ(kind, data, q - 1) <= 'z')
        q--;
    if (dot - q < 5)
        return 0;
    if (q > 0) {
        Py_UCS4 c = PyUnicode_READ(kind, data, q - 1);
        if (Py_UNICODE_ISALNUM(c) || c == '.')
            return 0;
    }
    PyObject *word = PyUnicode_FromKindAndData(kind, (const char *)data + q * kind, dot - q);
    if (!word)
        return -1;
    int found = PySet_Contains(abbreviations, word);
    Py_DECREF(word);
    return found < 0 ? -1 : !found;
}

static int is_ascii_letter(Py_UCS4 c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

/* Whether the period at ``dot`` belongs to an abbreviation, an initial or a dotted
 * acronym, as sentences._ends_sentence decides from _WORD_BEFORE: the run of
 * letters and dots before it, within 24 characters, from its first letter.
 * Returns 1 (it does), 0 (it does not: a boundary), -1 on error. */
static int is_abbreviation(int kind, const void *data, Py_ssize_t dot, PyObject *abbreviations)
{
    Py_ssize_t floor = dot - 24 > 0 ? dot - 24 : 0, q = dot;
    while (q > floor) {
        Py_UCS4 c = PyUnicode_READ(kind, data, q - 1);
        if (!is_ascii_letter(c) && c != '.')
            break;
        q--;
    }
    while (q < dot && !is_ascii_letter(PyUnicode_READ(kind, data, q)))
        q++;
    if (q == dot)
        return 0;  /* no word before the period */
    if (q > 0 && PyUnicode_READ(kind, data, q - 1) >= '0' && PyUnicode_READ(kind, data, q - 1) <= '9')
        return 0;  /* a unit after a number ("in 90ms. You") */
    char token[32];
    Py_ssize_t len = dot - q;  /* at most 24 */
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, q + k);
        token[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    Py_ssize_t bare = len;
    while (bare > 0 && token[bare - 1] == '.')
        bare--;
    for (int pass = 0; pass < 2; pass++) {  /* the token without its final dots, then as is */
        Py_ssize_t n = pass ? len : bare;
        if (pass && n == bare)
            break;
        PyObject *word = PyUnicode_FromStringAndSize(token, n);
        if (!word)
            return -1;
        int found = PySet_Contains(abbreviations, word);
        Py_DECREF(word);
        if (found)
            return found;  /* 1, or -1 */
    }
    Py_UCS4 first = PyUnicode_READ(kind, data, q);
    if (len == 1 && first >= 'A' && first <= 'Z')
        return 1;  /* an initial */
    if (len >= 3 && len % 2 == 1) {  /* a dotted acronym: letter (dot letter)+ */
        for (Py_ssize_t k = 0; k < len; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, q + k);
            if (k % 2 ? c != '.' : !is_ascii_letter(c))
                return 0;
        }
        return 1;
    }
    return 0;
}

/* One sentence: an instance of ``cls`` (a tuple subclass without fields of its own,
 * sentences.Sentence) holding (start + offset, end + offset, text[start:end]) once
 * white space is trimmed; nothing when only white space is left. */
static int append_sentence(PyObject *out, PyObject *text, int kind, const void *data,
                           Py_ssize_t start, Py_ssize_t end, Py_ssize_t offset,
                           PyTypeObject *cls)
{
    while (start < end && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)))
        start++;
    while (end > start && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, end - 1)))
        end--;
    if (start == end)
        return 0;
    PyObject *sentence = cls->tp_alloc(cls, 3);
    if (!sentence)
        return -1;
    PyObject *s = PyLong_FromSsize_t(start + offset), *e = PyLong_FromSsize_t(end + offset);
    PyObject *t = PyUnicode_Substring(text, start, end);
    if (!s || !e || !t) {
        Py_XDECREF(s);
        Py_XDECREF(e);
        Py_XDECREF(t);
        Py_DECREF(sentence);
        return -1;
    }
    PyTuple_SET_ITEM(sentence, 0, s);
    PyTuple_SET_ITEM(sentence, 1, e);
    PyTuple_SET_ITEM(sentence, 2, t);
    int failed = PyList_Append(out, sentence) < 0;
    Py_DECREF(sentence);
    return failed ? -1 : 0;
}

PyDoc_STRVAR(split_sentences_doc,
"split_sentences(text, offset, revealed, abbreviations, cls)\n\n"
"The sentences of one prose segment as ``cls`` (start, end, text) tuples, offsets\n"
"shifted by ``offset``, exactly as sentences.split_sentences_python finds them.\n"
"``revealed`` is bytes (0 where markup was hidden) or None; ``abbreviations`` a set\n"
"of str; ``cls`` a tuple subclass with no fields of its own.");

static PyObject *split_sentences(PyObject *self, PyObject *args)
{
    PyObject *text, *revealed_obj, *abbreviations;
    PyTypeObject *cls;
    Py_ssize_t offset;
    if (!PyArg_ParseTuple(args, "UnOOO!", &text, &offset, &revealed_obj, &abbreviations,
                          &PyType_Type, &cls))
        return NULL;
    if (!PyAnySet_Check(abbreviations)) {
        PyErr_SetString(PyExc_TypeError, "abbreviations: a set or frozenset");
        return NULL;
    }
    if (!PyType_IsSubtype(cls, &PyTuple_Type) || cls->tp_basicsize != PyTuple_Type.tp_basicsize) {
        PyErr_SetString(PyExc_TypeError, "cls: a tuple subclass with no fields of its own");
        return NULL;
    }
    Py_buffer revealed = {0};
    int has_revealed = revealed_obj != Py_None;
    if (has_revealed && PyObject_GetBuffer(revealed_obj, &revealed, PyBUF_SIMPLE) < 0)
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), start = 0, i = 0;
    const unsigned char *shown = has_revealed ? revealed.buf : NULL;
    PyObject *out = PyList_New(0);
    if (!out)
        goto fail;
    if (has_revealed && revealed.len < n) {
        PyErr_SetString(PyExc_ValueError, "revealed: one byte per character of text");
        goto fail;
    }
    while (i < n) {
        if (!is_mark(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        /* A candidate: marks, closing quotes and brackets, then white space or the end
         * (or anything, after a wide terminal). */
        Py_ssize_t dot = i, after = i;
        while (after < n && is_mark(PyUnicode_READ(kind, data, after)))
            after++;
        Py_UCS4 last = PyUnicode_READ(kind, data, after - 1);
        while (after < n && is_closer(PyUnicode_READ(kind, data, after)))
            after++;
        i = after;
        int boundary = 1;
        if (after < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, after))) {
            /* No space after it: a boundary after a wide terminal only, if not a decimal point. */
            if (!is_wide(last)
                || (is_wide_full_stop(last) && Py_UNICODE_ISDECIMAL(PyUnicode_READ(kind, data, after))))
                continue;
        }
        Py_ssize_t k = after;
        while (k < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)))
            k++;
        /* Not only white space to the end, and not after a wide terminal or a letter of a
         * script without case: the next sentence must open. */
        if (k < n && !is_wide(last) && !(dot > 0 && caseless(PyUnicode_READ(kind, data, dot - 1)))) {
            while (k < n && is_opening_quote(PyUnicode_READ(kind, data, k)))
                k++;
            int opens = k < n && (can_open(PyUnicode_READ(kind, data, k)) || lower_camel(kind, data, k, n));
            if (!opens && k < n && Py_UNICODE_ISLOWER(PyUnicode_READ(kind, data, k)) && after - dot == 1
                && PyUnicode_READ(kind, data, dot) == '.') {
                opens = after_long_word(kind, data, dot, abbreviations);
                if (opens < 0)
                    goto fail;
            }
            if (!opens) {
                /* ... or start with markup that was hidden */
                Py_ssize_t m = after;
                if (shown)
                    while (m < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, m)) && shown[m])
                        m++;
                boundary = shown && m < n && !shown[m];
            }
            if (boundary && PyUnicode_READ(kind, data, dot) == '.'
                && !(after - dot >= 3 && PyUnicode_READ(kind, data, dot + 1) == '.'
                     && PyUnicode_READ(kind, data, dot + 2) == '.')) {
                int abbreviation = is_abbreviation(kind, data, dot, abbreviations);
                if (abbreviation < 0)
                    goto fail;
                boundary = !abbreviation;
            }
        }
        if (boundary) {
            if (append_sentence(out, text, kind, data, start, after, offset, cls) < 0)
                goto fail;
            start = after;
        }
    }
    if (append_sentence(out, text, kind, data, start, n, offset, cls) < 0)
        goto fail;
    if (has_revealed)
        PyBuffer_Release(&revealed);
    return out;
fail:
    Py_XDECREF(out);
    if (has_revealed)
        PyBuffer_Release(&revealed);
    return NULL;
}

static PyObject *table_str(const Py_UCS4 *table, Py_ssize_t n)
{
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, table, n);
}

PyDoc_STRVAR(sentence_tables_doc,
"sentence_tables()\n\n"
"The characters split_sentences reads as (terminals beyond ASCII, wide terminals,\n"
"wide full stops, closers, openers), each a str, for tests to hold to sentences.py.");

static PyObject *sentence_tables(PyObject *self, PyObject *unused)
{
    return Py_BuildValue("(NNNNN)", table_str(TERMINALS, COUNT(TERMINALS)),
                         table_str(WIDE, COUNT(WIDE)),
                         table_str(WIDE_FULL_STOPS, COUNT(WIDE_FULL_STOPS)),
                         table_str(CLOSERS, COUNT(CLOSERS)), table_str(OPENERS, COUNT(OPENERS)));
}

/* -- shingle and passage hashes (rules/duplicates_sketch.py, SubstringHasher) ----- */
#define HASH_BASE 0x9E3779B97F4A7C15ull
#define HASH_BASE_INV 0xF1DE83E19937733Dull  /* its inverse modulo 2**64 */
#define HASH_LEN_MIX 0xC2B2AE3D27D4EB4Full

/* SubstringHasher.hash: the polynomial hash of text[s:e] from prefix sums, made
 * position-independent by the inverse power, then mixed with the length. */
static inline uint64_t substring_hash(const uint64_t *prefix, const uint64_t *inverse,
                                      Py_ssize_t s, Py_ssize_t e)
{
    return fmix64(((prefix[e] - prefix[s]) * inverse[s]) ^ ((uint64_t)(e - s) * HASH_LEN_MIX));
}

PyDoc_STRVAR(sketch_hashes_doc,
"sketch_hashes(text, spans, chars, size, first, last)\n\n"
"The shingle hashes of each sentence (``spans``: int64 start/end pairs into\n"
"``text``) and the exact hash of each passage (sentences first[i]..last[i], int64),\n"
"as duplicates_sketch.shingle_spans and SubstringHasher compute them: word\n"
"shingles of ``size`` words (``chars`` false) or character shingles, a sentence\n"
"shorter than one shingle being one shingle. Returns (uint32 shingle hashes,\n"
"int64 group starts: one per sentence and the end, uint64 passage hashes), as bytes.");

static PyObject *sketch_hashes(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_buffer sp, fi, la;
    int chars;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "Uy*pny*y*", &text, &sp, &chars, &size, &fi, &la))
        return NULL;
    PyObject *result = NULL, *hashes = NULL, *groups = NULL, *exact = NULL;
    uint64_t *prefix = NULL, *inverse = NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), n_sent = sp.len / 16, n_pass = fi.len / 8;
    const int64_t *spans = sp.buf, *first = fi.buf, *last = la.buf;
    Py_ssize_t *word_start = NULL;
    if (size < 1) {
        PyErr_SetString(PyExc_ValueError, "size: at least 1");
        goto done;
    }
    if (check(&sp, 16, n_sent, "spans") < 0 || check(&la, 8, n_pass, "last") < 0)
        goto done;
    for (Py_ssize_t i = 0; i < n_sent; i++)
        if (spans[2 * i] < 0 || spans[2 * i] >= spans[2 * i + 1] || spans[2 * i + 1] > n) {
            PyErr_SetString(PyExc_ValueError, "spans: non-empty ranges of text");
            goto done;
        }
    if (check_passages(first, last, n_pass, n_sent) < 0)
        goto done;
    prefix = PyMem_RawMalloc((size_t)(n + 1) * 8);
    inverse = PyMem_RawMalloc((size_t)(n + 1) * 8);
    /* A word starts at a sentence's start or after a space: at most n + 1 of them. */
    word_start = PyMem_RawMalloc((size_t)(n + 1) * sizeof(Py_ssize_t));
    if (!prefix || !inverse || !word_start) {
        PyErr_NoMemory();
        goto done;
    }
    prefix[0] = 0;
    uint64_t power = 1, inverse_power = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        prefix[i + 1] = prefix[i] + ((uint64_t)PyUnicode_READ(kind, data, i) + 1) * power;
        inverse[i] = inverse_power;
        power *= HASH_BASE;
        inverse_power *= HASH_BASE_INV;
    }
    inverse[n] = inverse_power;
    /* How many shingles each sentence has, then the hashes. */
    groups = PyBytes_FromStringAndSize(NULL, (n_sent + 1) * 8);
    if (!groups)
        goto done;
    int64_t *group = (int64_t *)PyBytes_AS_STRING(groups);
    group[0] = 0;
    for (Py_ssize_t i = 0; i < n_sent; i++) {
        Py_ssize_t s = spans[2 * i], e = spans[2 * i + 1], units = e - s;
        if (!chars) {
            units = 1;
            for (Py_ssize_t k = s; k < e; k++)
                units += PyUnicode_READ(kind, data, k) == ' ';
        }
        group[i + 1] = group[i] + (units > size ? units - size + 1 : 1);
    }
    hashes = PyBytes_FromStringAndSize(NULL, group[n_sent] * 4);
    exact = PyBytes_FromStringAndSize(NULL, n_pass * 8);
    if (!hashes || !exact)
        goto done;
    uint32_t *out = (uint32_t *)PyBytes_AS_STRING(hashes);
    for (Py_ssize_t i = 0; i < n_sent; i++) {
        Py_ssize_t s = spans[2 * i], e = spans[2 * i + 1], count = group[i + 1] - group[i];
        uint32_t *row = out + group[i];
        if (chars) {  /* a sentence no longer than a shingle is one */
            for (Py_ssize_t k = 0; k < count; k++)
                row[k] = (uint32_t)(substring_hash(prefix, inverse, s + k,
                                                   s + k + size < e ? s + k + size : e) >> 32);
            continue;
        }
        /* Words are separated by single spaces in normalised text. */
        Py_ssize_t words = 0;
        for (Py_ssize_t k = s; k < e; k++) {
            if (k == s || PyUnicode_READ(kind, data, k - 1) == ' ')
                word_start[words++] = k;
        }
        /* Shingle k: words k .. k + size - 1 (fewer at the end of a short sentence). */
        for (Py_ssize_t k = 0; k < count; k++) {
            Py_ssize_t end = k + size < words ? word_start[k + size] - 1 : e;
            row[k] = (uint32_t)(substring_hash(prefix, inverse, word_start[k], end) >> 32);
        }
    }
    uint64_t *passage = (uint64_t *)PyBytes_AS_STRING(exact);
    for (Py_ssize_t p = 0; p < n_pass; p++)
        passage[p] = substring_hash(prefix, inverse, spans[2 * first[p]], spans[2 * last[p] - 1]);
    result = PyTuple_Pack(3, hashes, groups, exact);
done:
    Py_XDECREF(hashes);
    Py_XDECREF(groups);
    Py_XDECREF(exact);
    PyMem_RawFree(prefix);
    PyMem_RawFree(inverse);
    PyMem_RawFree(word_start);
    PyBuffer_Release(&sp);
    PyBuffer_Release(&fi);
    PyBuffer_Release(&la);
    return result;
}

/* -- CMUdict's first pronunciations (rules/readability.py, _CmuDict) -------------- */
PyDoc_STRVAR(first_pronunciations_doc,
"first_pronunciations(text)\n\n"
"Each word of the CMU Pronouncing Dictionary's text (``word PHONES # comment``\n"
"lines) mapped to the phones of its first line, comment removed, as\n"
"readability._CmuDict._build_table reads it: lines whose word ends in ``)``\n"
"(other pronunciations) are skipped, and a word's first line wins.");

static PyObject *first_pronunciations(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text))
        return NULL;
    if (!PyUnicode_IS_ASCII(text)) {
        PyErr_SetString(PyExc_ValueError, "text: ASCII, as the cmudict package's is");
        return NULL;
    }
    const char *data = (const char *)PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), pos = 0;
    PyObject *table = PyDict_New();
    if (!table)
        return NULL;
    while (pos < n) {
        const char *line = data + pos;
        const char *newline = memchr(line, '\n', (size_t)(n - pos));
        Py_ssize_t length = newline ? newline - line : n - pos;
        const char *space = memchr(line, ' ', (size_t)length);
        Py_ssize_t word_length = space ? space - line : length;
        pos += length + 1;
        if (word_length == 0 || line[word_length - 1] == ')')
            continue;
        const char *phones = space ? space + 1 : line + length;
        Py_ssize_t phones_length = space ? length - word_length - 1 : 0;
        const char *hash = memchr(phones, '#', (size_t)phones_length);
        if (hash)
            phones_length = hash - phones;
        PyObject *word = PyUnicode_FromStringAndSize(line, word_length);
        if (!word)
            goto fail;
        int known = PyDict_Contains(table, word);
        if (known == 0) {
            PyObject *value = PyUnicode_FromStringAndSize(phones, phones_length);
            known = value ? PyDict_SetItem(table, word, value) : -1;
            Py_XDECREF(value);
        }
        Py_DECREF(word);
        if (known < 0)
            goto fail;
    }
    return table;
fail:
    Py_DECREF(table);
    return NULL;
}

static PyMethodDef methods[] = {
    {"minhash", minhash, METH_VARARGS, minhash_doc},
    {"passages", passages, METH_VARARGS, passages_doc},
    {"sketch_hashes", sketch_hashes, METH_VARARGS, sketch_hashes_doc},
    {"band_pairs", band_pairs, METH_VARARGS, band_pairs_doc},
    {"split_sentences", split_sentences, METH_VARARGS, split_sentences_doc},
    {"sentence_tables", sentence_tables, METH_NOARGS, sentence_tables_doc},
    {"first_pronunciations", first_pronunciations, METH_VARARGS, first_pronunciations_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups",
    "Compiled loops of the DUP rules (optional; numpy computes the same without them).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__speedups(void)
{
    return PyModule_Create(&module);
}

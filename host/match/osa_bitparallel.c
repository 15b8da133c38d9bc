#include "osa_bitparallel.h"

#include <stdlib.h>
#include <string.h>

#include "../../kernels/osa_step.h"

masq_status masq_osa_pattern_init(masq_osa_pattern *pattern, uint32_t alphabet_size,
                                  uint32_t max_length)
{
    memset(pattern, 0, sizeof *pattern);
    uint32_t words = max_length / 64 + 1;
    pattern->alphabet_size = alphabet_size;
    pattern->word_capacity = words;
    pattern->masks = calloc((size_t)(alphabet_size ? alphabet_size : 1) * words, sizeof(uint64_t));
    pattern->state = malloc((size_t)words * sizeof *pattern->state);
    if (pattern->masks == NULL || pattern->state == NULL) {
        masq_osa_pattern_free(pattern);
        return MASQ_ERR_NOMEM;
    }
    return MASQ_OK;
}

void masq_osa_pattern_free(masq_osa_pattern *pattern)
{
    free(pattern->masks);
    free(pattern->state);
    memset(pattern, 0, sizeof *pattern);
}

void masq_osa_pattern_load(masq_osa_pattern *pattern, const uint32_t *symbols, uint32_t length)
{
    uint32_t words = (length + 63) / 64;
    pattern->words = words;
    pattern->length = length;
    pattern->symbols = symbols;
    for (uint32_t i = 0; i < length; i++)
        pattern->masks[(size_t)symbols[i] * words + i / 64] |= (uint64_t)1 << (i % 64);
}

void masq_osa_pattern_unload(masq_osa_pattern *pattern)
{
    for (uint32_t i = 0; i < pattern->length; i++)
        memset(&pattern->masks[(size_t)pattern->symbols[i] * pattern->words], 0,
               pattern->words * sizeof(uint64_t));
    pattern->length = 0;
    pattern->words = 0;
}

static uint32_t osa_one_word(const masq_osa_pattern *pattern, const uint32_t *text,
                             uint32_t text_length)
{
    masq_osa_word_state state = {~(uint64_t)0, 0, 0, 0};
    uint64_t last = (uint64_t)1 << (pattern->length - 1);
    int64_t distance = pattern->length;
    for (uint32_t j = 0; j < text_length; j++)
        distance += masq_osa_word_step(&state, pattern->masks[text[j]], last);
    return (uint32_t)distance;
}

static uint32_t osa_many_words(masq_osa_pattern *pattern, const uint32_t *text,
                               uint32_t text_length)
{
    uint32_t words = pattern->words;
    masq_osa_word_state *state = pattern->state;
    for (uint32_t w = 0; w < words; w++)
        state[w] = (masq_osa_word_state){~(uint64_t)0, 0, 0, 0};
    unsigned last_shift = (pattern->length - 1) % 64;
    int64_t distance = pattern->length;
    for (uint32_t j = 0; j < text_length; j++)
        distance += masq_osa_words_step(state, &pattern->masks[(size_t)text[j] * words], words,
                                        last_shift);
    return (uint32_t)distance;
}

uint32_t masq_osa_distance(masq_osa_pattern *pattern, const uint32_t *text, uint32_t text_length)
{
    if (pattern->length == 0)
        return text_length;
    if (pattern->words == 1)
        return osa_one_word(pattern, text, text_length);
    return osa_many_words(pattern, text, text_length);
}

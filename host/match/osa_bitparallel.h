/* Bit-parallel OSA distance (Hyyrö 2003), any pattern length: one 64-bit
 * word per 64 pattern characters. The filter of the CPU path. */
#ifndef MASQ_OSA_BITPARALLEL_H
#define MASQ_OSA_BITPARALLEL_H

#include <stddef.h>
#include <stdint.h>

#include "../../kernels/osa_step.h"
#include "../util/status.h"

/* A pattern's match masks over a dense alphabet: masks[symbol * words + w]
 * has bit i set when pattern[64 w + i] == symbol. Build it once per pattern
 * and compare it with many texts. */
typedef struct masq_osa_pattern {
    uint64_t *masks;        /* alphabet_size * word_capacity, kept all-zero between uses */
    uint32_t alphabet_size;
    uint32_t word_capacity; /* words per symbol the buffer holds */
    uint32_t words;         /* words of the current pattern */
    uint32_t length;
    const uint32_t *symbols;
    masq_osa_word_state *state; /* word_capacity words of column state */
} masq_osa_pattern;

/* Room for patterns up to max_length symbols drawn from alphabet_size symbols. */
masq_status masq_osa_pattern_init(masq_osa_pattern *pattern, uint32_t alphabet_size,
                                  uint32_t max_length);
void masq_osa_pattern_free(masq_osa_pattern *pattern);

/* Load a pattern (every symbol < alphabet_size, length <= max_length). */
void masq_osa_pattern_load(masq_osa_pattern *pattern, const uint32_t *symbols, uint32_t length);

/* Clear the loaded pattern's masks (cost proportional to its length). */
void masq_osa_pattern_unload(masq_osa_pattern *pattern);

/* OSA distance between the loaded pattern and text. */
uint32_t masq_osa_distance(masq_osa_pattern *pattern, const uint32_t *text, uint32_t text_length);

#endif

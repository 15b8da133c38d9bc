#include "folders.h"

#include <string.h>

bool masq_folder_expected(const masq_known_name *known, const char *folder)
{
    if (known->folder_count == 0)
        return true;
    for (size_t i = 0; i < known->folder_count; i++)
        if (strcmp(folder, known->folders[i]) == 0)
            return true;
    return false;
}

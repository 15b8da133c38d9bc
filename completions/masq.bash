# bash completion for masq                                   -*- shell-script -*-
_masq()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    }
    local commands="scan demo merge baseline query devices publish help"
    # every command takes these; another command's options are refused
    local common_opts="-q --quiet -v --verbose -h --help --version"
    local scan_opts="--profile --known --allow --suppress --schema --frequent-threshold
        --infrequent-threshold --similarity-threshold --backend --device --threads
        --format -o --output --demo --seed --strict --allow-empty --since --until --last --sas-file --emit-names --shard
        --workspace --query-endpoint --query-max-rows
        --baseline --baseline-days --baseline-decay --baseline-wait
        --min-severity --reason --host --top --full --color
        -q --quiet -v --verbose -h --help --publish --ingestion-endpoint --dcr-id --stream
        --managed-identity --token-audience --workspace-id --workspace-key-file --endpoint
        --spool --publish-demo --dry-run --publish-timeout --publish-retries
        --publish-backoff --publish-max-wait --batch-bytes --work-group-size
        --frequent-per-group --tile-size --candidate-capacity --version"
    local publish_opts="--spool --publish --ingestion-endpoint --dcr-id --stream --workspace-id
        --endpoint --dry-run --managed-identity --token-audience --workspace-key-file
        --publish-timeout --publish-retries --publish-backoff --publish-max-wait
        --publish-demo --batch-bytes $common_opts"
    local query_opts="--workspace --profile --since --until --last --query-max-rows $common_opts"
    local demo_opts="--seed --no-background $common_opts"
    local merge_opts="-o --output $common_opts"
    local baseline_opts="-o --output --weights --retain-days --baseline-days --baseline-decay
        --baseline-wait $common_opts"

    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --version --help" -- "$cur"))
        return
    fi
    case $prev in
    --profile) COMPREPLY=($(compgen -W "default notebook" -- "$cur")); return ;;
    --schema) COMPREPLY=($(compgen -W "auto securityevent sysmon mde csv names asim" -- "$cur")); return ;;
    --backend) COMPREPLY=($(compgen -W "auto cpu opencl" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "table json ndjson csv html" -- "$cur")); return ;;
    --min-severity) COMPREPLY=($(compgen -W "low medium high" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --reason)
        local reasons="look-alike extension homoglyph bidi invisible trailing double-extension
            wrong-folder renamed look-alike-folder new-folder"
        COMPREPLY=($(compgen -W "$reasons" -- "${cur##*,}"))
        [ "${cur%,*}" != "$cur" ] && COMPREPLY=("${COMPREPLY[@]/#/${cur%,*},}")
        return ;;
    --publish) COMPREPLY=($(compgen -W "logs-ingestion data-collector" -- "$cur")); return ;;
    --device) COMPREPLY=($(compgen -W "cpu gpu 0 1" -- "$cur")); return ;;
    --spool) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    -o | --output | --known | --allow | --suppress | --emit-names | --workspace-key-file | --baseline | \
    --sas-file)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --frequent-threshold | --infrequent-threshold | --similarity-threshold | --threads | \
    --seed | --since | --until | --last | --shard | --ingestion-endpoint | --dcr-id | --stream | \
    --token-audience | --workspace-id | --endpoint | --publish-timeout | --publish-retries | \
    --publish-backoff | --publish-max-wait | --batch-bytes | --work-group-size | \
    --frequent-per-group | --baseline-days | --baseline-decay | --baseline-wait | --retain-days | \
    --host | --top | --workspace | --query-endpoint | --query-max-rows | \
    --tile-size | --candidate-capacity)
        return ;;
    esac
    local opts
    case ${words[1]} in
    scan) opts=$scan_opts ;;
    publish) opts=$publish_opts ;;
    demo) opts=$demo_opts ;;
    merge) opts=$merge_opts ;;
    query) opts=$query_opts ;;
    baseline)
        if [ "$cword" -eq 2 ]; then
            COMPREPLY=($(compgen -W "show prune export" -- "$cur")); return
        fi
        opts=$baseline_opts ;;
    help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    *) opts=$common_opts ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [ "${words[1]}" = scan ] || [ "${words[1]}" = merge ] || [ "${words[1]}" = baseline ]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _masq masq

#!/bin/bash
# Device screen: many single-threaded Dreamer runs in parallel on the CPU cores of the device machine.
set -u
T=${1:-520}
R=$(pwd); W=/tmp/devw; mkdir -p $W; cd $W
tar xJf "$R/runs/devbundle.tar.xz"
nproc; lscpu | grep -i "model name"; date -u
J="$W/jre/bin/java -Dsomnium.threads=1 -XX:+UseSerialGC -Xmx3g --add-modules jdk.incubator.vector -cp $W/classes/tensor:$W/classes/autograd:$W/classes/kernels:$W/classes/rl:$W/lib/*"
B="--set steps=100000 --set train_every=1000 --set train_steps=100 --set eval_every=5000 --set eval_episodes=3 --set checkpoint_every=1000000"
run() { N=$1; ENV=$2; S=$3; shift 3; (timeout -s TERM $T $J somnium.rl.cli.Main train dreamer --env $ENV --preset small --seed $S --run-dir $W/r/$N --no-progress $B "$@" > $W/$N.log 2>&1; mkdir -p $OUT/$N; cp $W/r/$N/metrics.jsonl $W/r/$N/config.json $OUT/$N/ 2>/dev/null; tail -c 2000 $W/$N.log > $OUT/$N/log.txt) & }
while read -r N ENV S REST; do [ -z "$N" ] && continue; run $N $ENV $S $REST; done < "$R/runs/dev.list"
( while true; do sleep 30; for d in $W/r/*/; do n=$(basename $d); mkdir -p $OUT/$n; cp $d/metrics.jsonl $d/config.json $OUT/$n/ 2>/dev/null; done; done ) &
CP=$!
wait $(jobs -p | grep -v "^$CP$") 2>/dev/null; sleep 1; kill $CP; date -u
for d in $OUT/*/; do echo "$d $(grep -o '"eval/return":[0-9.]*' $d/metrics.jsonl | cut -d: -f2 | tr '\n' ' ')"; done

"""One quiet local Spark session for the tests and benchmarks (UI off,
logging at ERROR, the notebook's Spark 3.1 behaviour: pickled Python UDFs, no
ANSI mode, UTC)."""
import os
import sys


def start_spark(tmp, app_name, master="local[2]", driver_memory="2g", partitions=4):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    log4j = os.path.join(tmp, "log4j2.properties")
    with open(log4j, "w") as f:
        # Everything at ERROR. A pyspark driver counts as a shell, and Spark announces the
        # shell's log level unless a logger above it is configured and equals the root's.
        f.write("rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
                "appender.console.type = Console\nappender.console.name = console\n"
                "appender.console.target = SYSTEM_ERR\n"
                "appender.console.layout.type = PatternLayout\n"
                "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n\n"
                "logger.hadoop.name = org.apache.hadoop\nlogger.hadoop.level = error\n"
                "logger.spark.name = org.apache.spark\nlogger.spark.level = error\n")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("%s: pyspark is required (sh tools/setup.sh --tests)" % app_name, file=sys.stderr)
        sys.exit(2)
    spark = (SparkSession.builder
             .master(master)
             .appName(app_name)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", driver_memory)
             .config("spark.local.dir", os.path.join(tmp, "spark-local"))
             .config("spark.driver.extraJavaOptions", "-Dlog4j2.configurationFile=file:" + log4j)
             .config("spark.sql.shuffle.partitions", str(partitions))
             # The notebook targets Spark 3.1: pickled (not Arrow) Python UDFs, no ANSI mode.
             .config("spark.sql.execution.pythonUDF.arrow.enabled", "false")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark

